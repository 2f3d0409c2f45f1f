"""Reads of chat data, always through the ticket scope module."""

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Count, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.audit.selectors import followup_edits
from helpdesk_site.chat.errors import ChatRefused
from helpdesk_site.chat.models import ChatMessage, ReadMark
from helpdesk_site.chat.settling import replies_cursor
from helpdesk_site.tickets import scope

LIVE_STATUSES = (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS, Ticket.RESOLVED_STATUS)
# The largest message id there can be (a PostgreSQL bigint).
MAX_ID = 2**63 - 1


@functools.cache
def _session_check_sql() -> str:
    session, user = Session._meta.db_table, get_user_model()._meta.db_table
    # A null-safe comparison whose parameter takes its type from the column,
    # as the hot path's server-side binding needs (SQLite spells it IS).
    equal = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    same = "u.{0} " + equal + " %s"
    return (
        f"SELECT 1 FROM {session} s JOIN {user} u ON u.id = %s "  # noqa: S608 - table names only
        "WHERE s.session_key = %s AND s.expire_date > %s AND u.is_active "
        "AND u.password = %s AND u.role = %s AND u.is_superuser = %s "
        f"AND {same.format('department_id')} AND {same.format('supervised_region_id')}"
    )


@dataclass(frozen=True)
class AccountStanding:
    """That the session a user was read from still stands: not logged out or
    expired, the account active, its password (which signs the session) and
    the fields the scope rule reads unchanged. SQL a statement tests itself
    (the chat's hot path), or `holds()` asks the database on its own.
    Permissions are not in it: an operator's socket reads the session afresh
    at least every TicketChatConsumer.REAUTHORIZE_SECONDS
    (scope.rule_reads_only_the_account)."""

    sql: str
    params: tuple

    def holds(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS ({self.sql})", self.params)
            return cursor.fetchone()[0]


def account_standing(session_key, user) -> AccountStanding | None:
    """The standing of the session `user` was read from, or None where the
    database cannot tell (no session, another session engine)."""
    if not session_key or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return None
    return AccountStanding(
        _session_check_sql(),
        (
            user.pk,
            session_key,
            timezone.now(),
            user.password,
            user.role,
            user.is_superuser,
            user.department_id,
            user.supervised_region_id,
        ),
    )


def local_time(value) -> str:
    """Every time in the conversation in one format and the desk's own zone,
    whether the page renders it or the panel's script does (from this text)."""
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")


def person_payload(user) -> dict:
    return {"id": user.pk, "name": user.display_name(), "staff": scope.works_tickets(user)}


def message_payload(message: ChatMessage) -> dict:
    image = None
    if message.image_id:
        image = {"url": message.image.file.url, "name": message.image.filename.rsplit("/", 1)[-1]}
    return {
        "kind": "chat",
        "id": message.pk,
        "prev": message.prev_id,
        "ticket": message.ticket_id,
        "author": person_payload(message.author),
        "body": message.body,
        "html": message.body_html,
        "image": image,
        "created": message.created.isoformat(),
        "when": local_time(message.created),
    }


def reply_payload(followup: FollowUp, edit=None) -> dict:
    """A follow-up (a reply, a comment, a status change) as an entry of the
    conversation; its text escaped here, once, for the page and the script.
    Its title is left out: helpdesk makes it from the ticket's title and the
    status, in English, and the text and the status change say it better."""
    attachments = [
        {"url": a.file.url, "name": a.filename.rsplit("/", 1)[-1]}
        for a in followup.followupattachment_set.all()
    ]
    return {
        "kind": "reply",
        "id": followup.pk,
        "author": person_payload(followup.user) if followup.user_id else None,
        "html": str(linebreaksbr(followup.comment or "", autoescape=True)),
        "public": followup.public,
        "changes": [
            f"{change.field}: {change.old_value or '—'} → {change.new_value or '—'}"
            for change in followup.ticketchange_set.all()
        ],
        "attachments": attachments,
        "edited": {"who": edit.who, "when": local_time(edit.at)} if edit else None,
        "created": followup.date.isoformat(),
        "when": local_time(followup.date),
    }


def conversation(user, ticket: Ticket, with_replies: bool = True) -> list[dict]:
    """The ticket's one conversation as the user may read it: the follow-ups
    the scope module shows them (the public thread; internal notes only for
    staff) and the chat lines, oldest first, each once (a chat line's own
    follow-up, which holds its place in helpdesk's history, is not repeated)."""
    require_view(user, ticket.pk)
    followups = []
    if with_replies:
        followups = list(
            scope.visible_followups(user, ticket)
            .filter(chat_message__isnull=True)
            .prefetch_related("followupattachment_set", "ticketchange_set")
        )
    edits = followup_edits([f.pk for f in followups])
    entries = [(f.date, 0, f.pk, reply_payload(f, edits.get(f.pk))) for f in followups]
    messages = ChatMessage.objects.filter(ticket_id=ticket.pk).select_related("author", "image")
    entries += [(m.created, 1, m.pk, message_payload(m)) for m in messages]
    return [entry for *_order, entry in sorted(entries, key=lambda e: e[:3])]


def ticket_payload(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "title": ticket.title,
        "status": ticket.get_status_display(),
        "created": ticket.created.isoformat() if ticket.created else None,
    }


def require_view(user, ticket_id) -> None:
    if not scope.can_view_ticket(user, ticket_id):
        raise ChatRefused("forbidden", _("You cannot see this ticket."), status=403)


def messages_after(user, ticket_id, after_id: int, limit: int | None = None) -> tuple[list, bool]:
    """The ticket's messages with an id above `after_id`, oldest first, at most
    `limit` of them, and whether more follow. Together they are every message
    of the ticket after `after_id`, with no gap."""
    require_view(user, ticket_id)
    if isinstance(after_id, bool) or not isinstance(after_id, int) or not 0 <= after_id <= MAX_ID:
        raise ChatRefused("invalid", _("after_id must be a whole number."))
    limit = limit or settings.CHAT_HISTORY_PAGE
    rows = list(
        ChatMessage.objects.filter(ticket_id=ticket_id, pk__gt=after_id)
        .select_related("author", "image")
        .order_by("pk")[: limit + 1]
    )
    return [message_payload(m) for m in rows[:limit]], len(rows) > limit


def replies_after(
    user, ticket_id, after_id: int, limit: int | None = None, now=None
) -> tuple[list, bool, int]:
    """The public follow-ups of the ticket (replies, resolutions) with an id
    above `after_id`, oldest first, as the socket pushes them, at most `limit`
    of them; whether more follow; and the id to ask after next time, which
    stays below replies too recent to be sure no lower id is still to commit
    (chat.settling): what a panel without a socket polls for. The panel
    drops replies it already shows."""
    require_view(user, ticket_id)
    if isinstance(after_id, bool) or not isinstance(after_id, int) or not 0 <= after_id <= MAX_ID:
        raise ChatRefused("invalid", _("after_id must be a whole number."))
    limit = limit or settings.CHAT_HISTORY_PAGE
    ticket = Ticket.objects.get(pk=ticket_id)
    rows = list(
        scope.visible_followups(user, ticket)
        .filter(public=True, chat_message__isnull=True, pk__gt=after_id)
        .prefetch_related("followupattachment_set", "ticketchange_set")
        .order_by("pk")[: limit + 1]
    )
    page, more = rows[:limit], len(rows) > limit
    edits = followup_edits([f.pk for f in page])
    cursor = replies_cursor(
        after_id, [(f.pk, f.date) for f in page], more=more, settled_before=settled_before(now)
    )
    return [reply_payload(f, edits.get(f.pk)) for f in page], more, cursor


def settled_before(now=None):
    """Replies written before this instant have had time to commit."""
    now = now or timezone.now()
    return now - dt.timedelta(seconds=settings.CHAT_REPLY_SETTLE_SECONDS)


def read_marks(user, ticket_id) -> list[dict]:
    require_view(user, ticket_id)
    return [
        {"user": person_payload(mark.user), "up_to": mark.last_read_id}
        for mark in ReadMark.objects.filter(ticket_id=ticket_id, last_read_id__gt=0)
        .select_related("user")
        .order_by("user_id")
    ]


def unread_count(user, ticket_id) -> int:
    last_read = (
        ReadMark.objects.filter(ticket_id=ticket_id, user=user)
        .values_list("last_read_id", flat=True)
        .first()
    )
    return (
        ChatMessage.objects.filter(ticket_id=ticket_id, pk__gt=last_read or 0)
        .exclude(author=user)
        .count()
    )


def conversations(user, limit: int = 100) -> list[dict]:
    """The console's list: tickets the user can see that are still live and
    have a chat, latest activity first, with the user's unread count."""
    last_read = ReadMark.objects.filter(ticket=OuterRef("pk"), user=user).values("last_read_id")
    tickets = (
        scope.visible_tickets(user)
        .filter(status__in=LIVE_STATUSES)
        .annotate(last_message_id=Max("chat_messages__id"))
        .filter(last_message_id__isnull=False)
        .annotate(
            unread=Count(
                "chat_messages",
                filter=Q(chat_messages__id__gt=Coalesce(Subquery(last_read), Value(0)))
                & ~Q(chat_messages__author=user),
            )
        )
        .order_by("-last_message_id")[:limit]
    )
    rows = list(tickets)
    newest = ChatMessage.objects.filter(pk__in=[t.last_message_id for t in rows])
    last = {m.pk: m for m in newest.select_related("author", "image")}
    return [
        {
            "ticket": ticket_payload(t),
            "unread": t.unread,
            "last_message": message_payload(last[t.last_message_id]),
        }
        for t in rows
    ]


def new_tickets(user, limit: int = 20) -> list[dict]:
    tickets = (
        scope.visible_tickets(user)
        .filter(status__in=(Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS))
        .order_by("-created", "-id")[:limit]
    )
    return [ticket_payload(t) for t in tickets]
