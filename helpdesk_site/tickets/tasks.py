from celery import shared_task
from helpdesk.models import Ticket

from helpdesk_site.tickets import notifications


@shared_task
def notify_ticket_filed(ticket_id: int) -> None:
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("queue").first()
    if ticket is not None:
        notifications.send_ticket_filed(ticket)
