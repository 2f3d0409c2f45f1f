"""What the reporter of a ticket hears about it: public replies, status
changes (resolved with a request to rate, closed, reopened), a pause that
waits on them, and the progress of their 差评's follow-up. Internal notes and
their own actions tell them nothing."""

import functools
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from helpdesk.models import Ticket

from helpdesk_site.notices import services
from helpdesk_site.notices.models import Kind, Notice
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
    """A follow-up was added by someone through helpdesk or the portal. Of a
    burst of chat lines the reporter hears once (chat_line_told)."""
    reporter = _reporter(followup.ticket_id)
    if reporter is None:
        return
    about = notice_about(followup, actor, reporter)
    if about is None:
        return
    kind, message = about
    with transaction.atomic():
        if _is_chat_line(followup) and chat_line_told(reporter, followup):
            return
        services.notify([reporter], ticket=followup.ticket, kind=kind, message=message)


def _is_chat_line(followup) -> bool:
    return type(followup).objects.filter(pk=followup.pk, chat_message__isnull=False).exists()


def chat_line_told(reporter, followup) -> bool:
    """Whether the reporter heard of this ticket's conversation within the
    last CHAT_NOTICE_QUIET_MINUTES (notices are made as lines are delivered,
    so their times are compared with now): a chat goes line by
    line, and one notice (and e-mail) per line buried the others. The
    ticket's details row is held meanwhile, so two lines delivered at once
    still make one notice."""
    TicketDetails.objects.select_for_update().filter(ticket_id=followup.ticket_id).first()
    since = timezone.now() - timedelta(minutes=settings.CHAT_NOTICE_QUIET_MINUTES)
    return Notice.objects.filter(
        recipient=reporter, ticket_id=followup.ticket_id, kind=Kind.REPLY, created_at__gte=since
    ).exists()


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
