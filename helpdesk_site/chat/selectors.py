"""Reads of chat data, always through the ticket scope module."""

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from helpdesk_site.chat.errors import ChatRefused
from helpdesk_site.chat.models import ChatMessage, ReadMark
from helpdesk_site.tickets import scope

LIVE_STATUSES = (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS, Ticket.RESOLVED_STATUS)
# The largest message id there can be (a PostgreSQL bigint).
MAX_ID = 2**63 - 1


def person_payload(user) -> dict:
    return {"id": user.pk, "name": user.display_name(), "staff": scope.works_tickets(user)}


def message_payload(message: ChatMessage) -> dict:
    image = None
    if message.image_id:
        image = {"url": message.image.file.url, "name": message.image.filename.rsplit("/", 1)[-1]}
    return {
        "id": message.pk,
        "prev": message.prev_id,
        "ticket": message.ticket_id,
        "author": person_payload(message.author),
        "body": message.body,
        "html": message.body_html,
        "image": image,
        "created": message.created.isoformat(),
    }


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
