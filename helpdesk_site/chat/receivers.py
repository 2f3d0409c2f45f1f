from django.dispatch import receiver

from helpdesk_site.chat import services
from helpdesk_site.tickets.signals import ticket_filed


@receiver(ticket_filed, dispatch_uid="chat.ticket_filed")
def push_new_ticket(sender, ticket, user, **kwargs):
    services.announce_ticket_filed(ticket)
