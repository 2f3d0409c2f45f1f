from django.dispatch import receiver

from helpdesk_site.chat import services
from helpdesk_site.outbox import services as outbox
from helpdesk_site.tickets.signals import ticket_filed


@receiver(ticket_filed, dispatch_uid="chat.ticket_filed")
def push_new_ticket(sender, ticket, user, **kwargs):
    # Sent inside the filing's transaction: the push waits in the outbox for
    # the commit, so no console is shown a ticket that was never stored.
    outbox.enqueue_live(
        outbox.call(
            f"chat.ticket_filed:{ticket.pk}",
            services.announce_ticket_filed,
            ticket_id=ticket.pk,
        )
    )
