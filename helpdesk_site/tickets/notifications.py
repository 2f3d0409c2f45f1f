"""E-mail about tickets, through django-helpdesk's own templates and
recipients, delivered from the outbox."""

from django.conf import settings
from django.utils.translation import gettext as _
from helpdesk.lib import safe_template_context
from helpdesk.models import Ticket
from helpdesk.templated_email import send_templated_mail

from helpdesk_site.outbox import services as outbox

TEMPLATES = {"submitter": "newticket_submitter", "new_ticket_cc": "newticket_cc"}


def queue_ticket_filed(ticket) -> None:
    """In the filing's transaction: tell the filer their ticket was received
    and the queue's CC list that it arrived (helpdesk's `newticket_*`
    templates, in Chinese). One message each, so a failure to one is retried
    without mailing the other twice."""
    messages = []
    if ticket.submitter_email:
        messages.append(
            outbox.call(
                f"tickets.received:{ticket.pk}:submitter",
                send_ticket_filed,
                summary=_("Ticket #%(id)s received: e-mail to the filer") % {"id": ticket.pk},
                ticket_id=ticket.pk,
                role="submitter",
            )
        )
    if ticket.queue.new_ticket_cc:
        messages.append(
            outbox.call(
                f"tickets.received:{ticket.pk}:cc",
                send_ticket_filed,
                summary=_("Ticket #%(id)s received: e-mail to the queue's CC list")
                % {"id": ticket.pk},
                ticket_id=ticket.pk,
                role="new_ticket_cc",
            )
        )
    outbox.enqueue(*messages)


@outbox.handler
def send_ticket_filed(ticket_id: int, role: str) -> None:
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("queue").first()
    if ticket is None:
        return
    context = safe_template_context(ticket)
    context["comment"] = ticket.description
    recipient = ticket.submitter_email if role == "submitter" else ticket.queue.new_ticket_cc
    # The filer has their own message even when also on the CC list.
    if not recipient or (role != "submitter" and recipient == ticket.submitter_email):
        return
    # helpdesk's template, from the desk's own sender (its queues have no address).
    send_templated_mail(
        TEMPLATES[role], context, recipient, sender=settings.DEFAULT_FROM_EMAIL, fail_silently=False
    )
