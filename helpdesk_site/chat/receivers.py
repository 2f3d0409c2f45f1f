from django.db.models.signals import post_save
from django.dispatch import receiver
from helpdesk.models import FollowUp

from helpdesk_site.chat import services
from helpdesk_site.outbox import services as outbox
from helpdesk_site.tickets import scope
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


@receiver(post_save, sender=FollowUp, dispatch_uid="chat.reply_saved")
def push_reply(sender, instance, created, raw=False, **kwargs):
    # What the reporter waits for: a public reply of someone who works the
    # ticket, from helpdesk's staff pages or a service. Chat lines announce
    # themselves; internal notes are never pushed.
    if not created or raw or not instance.public or getattr(instance, "from_chat", False):
        return
    if instance.user is None or not scope.works_tickets(instance.user):
        return
    outbox.enqueue_live(
        outbox.call(
            f"chat.reply:{instance.pk}",
            services.announce_reply,
            followup_id=instance.pk,
        )
    )
