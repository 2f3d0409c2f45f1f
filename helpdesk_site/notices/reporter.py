"""What the reporter of a ticket hears about it: public replies, status
changes (resolved with a request to rate, closed, reopened), a pause that
waits on them, and the progress of their 差评's follow-up. Internal notes and
their own actions tell them nothing."""

import functools

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from helpdesk.models import Ticket

from helpdesk_site.notices import services
from helpdesk_site.notices.models import Kind
from helpdesk_site.tickets.models import TicketDetails

EXCERPT_CHARS = 100

STATUS_MESSAGES = {
    Ticket.RESOLVED_STATUS: (
        Kind.RATING,
        gettext_noop("Ticket #%(id)s «%(title)s» was resolved. Please rate how it was handled."),
    ),
    Ticket.CLOSED_STATUS: (Kind.STATUS, gettext_noop("Ticket #%(id)s «%(title)s» was closed.")),
    Ticket.REOPENED_STATUS: (Kind.STATUS, gettext_noop("Ticket #%(id)s «%(title)s» was reopened.")),
}


def in_site_language(function):
    """Notices are written in the desk's language, whatever language the
    person whose action caused them has chosen."""

    @functools.wraps(function)
    def written(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return written


def _reporter(ticket_id):
    details = TicketDetails.objects.filter(ticket_id=ticket_id).select_related("reporter").first()
    return details.reporter if details else None


def excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


@in_site_language
def followup_recorded(followup, actor) -> None:
    """A follow-up was added by someone through helpdesk or the portal."""
    reporter = _reporter(followup.ticket_id)
    if reporter is None:
        return
    about = notice_about(followup, actor, reporter)
    if about is not None:
        kind, message = about
        services.notify([reporter], ticket=followup.ticket, kind=kind, message=message)


@in_site_language
def notice_about(followup, actor, reporter):
    """(kind, message) of what a follow-up tells the ticket's reporter, or
    None when it tells them nothing (the demo data's history uses it too)."""
    if not followup.public or actor is None or actor.pk == reporter.pk:
        return None
    ticket = followup.ticket
    names = {"id": ticket.pk, "title": ticket.title}
    status = STATUS_MESSAGES.get(followup.new_status)
    comment = excerpt(followup.comment)
    if status is not None:
        kind, message = status[0], _(status[1]) % names
        if comment:
            message = f"{message} {comment}"
        return kind, message
    if comment:
        return Kind.REPLY, _("%(who)s replied on ticket #%(id)s «%(title)s»: %(text)s") % {
            **names,
            "who": actor.display_name(),
            "text": comment,
        }
    return None


@in_site_language
def waiting_on_reporter(ticket, actor, reason: str) -> None:
    """The operator paused the ticket to wait for the reporter."""
    reporter = _reporter(ticket.pk)
    if reporter is None or (actor is not None and actor.pk == reporter.pk):
        return
    message = _("Ticket #%(id)s «%(title)s» is waiting for you: %(reason)s") % {
        "id": ticket.pk,
        "title": ticket.title,
        "reason": reason,
    }
    services.notify([reporter], ticket=ticket, kind=Kind.WAITING, message=message)


BAD_RATING_STEPS = {
    "opened": gettext_noop(
        "Your rating of ticket #%(id)s was recorded; a supervisor will follow it up."
    ),
    "verify": gettext_noop("The supervisor has verified your rating of ticket #%(id)s."),
    "call_back": gettext_noop("The supervisor has recorded the call back about ticket #%(id)s."),
    "rectify": gettext_noop(
        "What your rating of ticket #%(id)s pointed out has been rectified: %(text)s"
    ),
}


@in_site_language
def bad_rating_progress(task, step: str, text: str = "") -> None:
    """A step of the 差评 follow-up was recorded (or it was opened)."""
    reporter = task.rating.rated_by or _reporter(task.ticket_id)
    if reporter is None:
        return
    message = _(BAD_RATING_STEPS[step]) % {"id": task.ticket_id, "text": excerpt(text)}
    services.notify([reporter], ticket=task.ticket_id, kind=Kind.BAD_RATING, message=message)
