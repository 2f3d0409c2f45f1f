"""E-mail about tickets, through django-helpdesk's own templates and recipients."""

import logging

from helpdesk.lib import safe_template_context

logger = logging.getLogger(__name__)


def send_ticket_filed(ticket) -> set[str]:
    """Tell the filer their ticket was received and the queue's CC list that it
    arrived (helpdesk's `newticket_*` templates, in Chinese)."""
    context = safe_template_context(ticket)
    context["comment"] = ticket.description
    sent_to: set[str] = set()
    ticket.send(
        {
            "submitter": ("newticket_submitter", context),
            "new_ticket_cc": ("newticket_cc", context),
        },
        sent_to=sent_to,
        fail_silently=True,
    )
    return sent_to


def queue_ticket_filed(ticket) -> None:
    """Hand the e-mail to Celery; a broker that is down must not fail filing."""
    from helpdesk_site.tickets.tasks import notify_ticket_filed

    try:
        notify_ticket_filed.delay(ticket.pk)
    except Exception:  # the ticket is stored; only its e-mail is lost
        logger.exception("could not queue the e-mail for ticket %s", ticket.pk)
