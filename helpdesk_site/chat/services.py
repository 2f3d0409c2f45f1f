"""Every change the chat makes goes through one function here: posting a
message and marking messages read. Each checks scope itself, stores first and
broadcasts after the transaction commits, so nobody is ever shown a message
that the database does not have."""

import json
import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from helpdesk_site.audit.selectors import followup_edits
from helpdesk_site.chat import layer, storing
from helpdesk_site.chat.errors import AccountChanged, ChatRefused
from helpdesk_site.chat.models import ChatMessage, ReadMark
from helpdesk_site.chat.rendering import normalize_body, render_body
from helpdesk_site.chat.selectors import (
    MAX_ID,
    message_payload,
    person_payload,
    reply_payload,
    require_view,
    ticket_payload,
)
from helpdesk_site.outbox import services as outbox
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.signals import ticket_updated
from helpdesk_site.tickets.uploads import check_upload


def _checked_image(image):
    try:
        checked = check_upload(image)
    except ValidationError as error:
        raise ChatRefused("bad_image", " ".join(error.messages)) from None
    if not checked.content_type.startswith("image/"):
        raise ChatRefused(
            "bad_image", _("Only images (PNG, JPEG, GIF, WebP) can be sent in the chat.")
        )
    return checked


def _check_rate(user) -> None:
    """At most CHAT_RATE_LIMIT lines in any CHAT_RATE_WINDOW seconds, counted
    on the lines stored (chat.storing holds the rule)."""
    limit, window = settings.CHAT_RATE_LIMIT, settings.CHAT_RATE_WINDOW
    now = timezone.now()
    count, oldest = storing.recent_lines(user, now)
    if count >= limit:
        frees_at = oldest + timedelta(seconds=window) if oldest else now + timedelta(seconds=window)
        wait = max(1, math.ceil((frees_at - now).total_seconds()))
        raise ChatRefused(
            "rate_limited",
            _(
                "You are sending messages too fast: at most %(limit)d every %(window)d "
                "seconds. Try again in %(wait)d seconds."
            )
            % {"limit": limit, "window": window, "wait": wait},
            status=429,
            retry_after=wait,
        )


# What a post reads of the ticket: what the announcement shows of it.
LOCKED_FIELDS = ("title", "status", "created", "queue", "assigned_to")


def _forbidden() -> ChatRefused:
    return ChatRefused("forbidden", _("You cannot post in this ticket's chat."), status=403)


class PostedMessage:
    """The stored message, the events that announce it, and whether they
    went out live; `replayed` when the message was stored by an earlier post
    with the same client token, and this one stored nothing."""

    def __init__(self, message: ChatMessage, replayed: bool = False):
        self.message = message
        # Built here, in the thread that may use the database, and once.
        self.payload = message_payload(message)
        self.replayed = replayed
        self.events: list[tuple[str, dict]] = []
        self.broadcast = False


MAX_CLIENT_ID_CHARS = 64


def clean_client_id(value) -> str | None:
    """A client's token for a message: None for none (absent or empty), else
    printable text of at most 64 characters."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_CLIENT_ID_CHARS or not value.isprintable():
        raise ChatRefused(
            "invalid",
            _("client_id must be printable text of at most %(limit)d characters.")
            % {"limit": MAX_CLIENT_ID_CHARS},
        )
    return value


def post_message(
    user, ticket: Ticket | int, body, image=None, *, client_id=None, publish=True, standing=None
) -> PostedMessage:
    """Post a chat message on a ticket (发送消息): checked, stored with its
    place in the ticket's history, then broadcast to the ticket's room and to
    the operator consoles once the transaction commits.

    With a `client_id`, a repeat by the same author on the same ticket within
    CHAT_IDEMPOTENCY_WINDOW seconds stores nothing and returns the first
    message (`replayed`); the database's unique constraint decides, so two
    posts racing each other store one message.

    A socket passes publish=False and sends `posted.events` from its own event
    loop, which frees the database thread sooner, and the `standing` of the
    user it read earlier (chat.selectors.AccountStanding): when that no
    longer holds, nothing is stored and AccountChanged is raised."""
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    if not scope.comments_where_visible(user):
        raise _forbidden()
    try:
        body = normalize_body("" if body is None else body)
    except TypeError:
        raise ChatRefused("invalid", _("The message must be text.")) from None
    except ValueError:
        raise ChatRefused(
            "invalid", _("The message contains characters that are not valid text.")
        ) from None
    client_id = clean_client_id(client_id)
    if len(body) > settings.CHAT_MAX_BODY_CHARS:
        raise ChatRefused(
            "too_long",
            _("The message is too long: %(length)d characters, the limit is %(limit)d.")
            % {"length": len(body), "limit": settings.CHAT_MAX_BODY_CHARS},
        )
    checked = _checked_image(image) if image is not None else None
    if not body and checked is None:
        raise ChatRefused("empty", _("The message is empty."))
    if checked is None and storing.available():
        stored = storing.store_line(
            user, ticket_id, body, render_body(body), client_id, _posted, standing
        )
        if stored is not None:
            posted = PostedMessage(stored.message)
            # After the commit (at once, unless a caller's transaction holds it).
            transaction.on_commit(lambda: _announce(posted, stored.ticket, publish))
            return posted
    if standing is not None and not standing.holds():
        raise AccountChanged()
    _check_rate(user)

    # A repeat finds the key taken; an expired key is released and the post
    # tried again, which a racing post may win (then this one is its repeat).
    for _attempt in range(3):
        try:
            return _store(user, ticket_id, body, checked, client_id, publish)
        except IntegrityError:
            if client_id is None:
                raise
            first = (
                ChatMessage.objects.filter(ticket_id=ticket_id, author=user, client_id=client_id)
                .select_related("author", "image")
                .first()
            )
            if first is None:
                continue
            window = timedelta(seconds=settings.CHAT_IDEMPOTENCY_WINDOW)
            if first.created > timezone.now() - window:
                return _replay(first, body, checked)
            ChatMessage.objects.filter(pk=first.pk).update(client_id=None)
    raise ChatRefused("conflict", _("The message could not be stored; send it again."), status=409)


def _replay(first: ChatMessage, body: str, checked) -> PostedMessage:
    if first.body != body or (first.image_id is not None) != (checked is not None):
        raise ChatRefused(
            "client_id_reused",
            _("This client_id was already used for another message."),
            status=409,
        )
    return PostedMessage(first, replayed=True)


def _store(user, ticket_id, body, checked, client_id, publish) -> PostedMessage:
    attachment = None
    try:
        with transaction.atomic():
            # Found through the scope and locked in one query. Holding the row
            # until commit makes ids follow commit order within the ticket,
            # which is what resuming "after id N" relies on.
            locked = (
                scope.visible_tickets(user)
                .select_for_update(of=("self",))
                .only(*LOCKED_FIELDS)
                .filter(pk=ticket_id)
                .first()
            )
            if locked is None:
                raise _forbidden()
            old_status = locked.status
            followup = storing.line_followup(locked, user, body or checked.file.name)
            # helpdesk's FollowUp.save saves the whole ticket (and a history
            # record of it) only to bump `modified`: one UPDATE does that, and
            # the follow-up is saved as a plain model, its receivers all heard.
            Ticket.objects.filter(pk=locked.pk).update(modified=timezone.now())
            super(FollowUp, followup).save()
            if checked is not None:
                attachment = FollowUpAttachment.objects.create(
                    followup=followup,
                    file=checked.file,
                    filename=checked.file.name,
                    mime_type=checked.content_type,
                    size=checked.file.size,
                )
            # Read in the INSERT, under the row lock: the ticket's newest message.
            message = ChatMessage.objects.create(
                ticket=locked,
                author=user,
                body=body,
                body_html=render_body(body) if body else "",
                followup=followup,
                image=attachment,
                client_id=client_id,
                prev_id=RawSQL(  # noqa: S611 - a constant statement, the id a parameter
                    storing.NEWEST_IN_TICKET, [locked.pk], output_field=models.BigIntegerField()
                ),
            )
            posted = PostedMessage(message)
            # What the rest of the desk does about a ticket update (the
            # reporter's notice and e-mail) is the worker's, off the socket's
            # process, and survives a crash after the commit.
            outbox.enqueue(_posted(message.pk, followup.pk, old_status))

            transaction.on_commit(lambda: _announce(posted, locked, publish))
    except IntegrityError:
        # A repeat, rolled back: the image file saved with it goes too (unless
        # the error came after the commit, from a receiver of the announcement).
        if attachment is not None:
            saved = FollowUpAttachment.objects.filter(pk=attachment.pk)
            if not saved.exists():
                attachment.file.delete(save=False)
        raise
    return posted


def _announce(posted: PostedMessage, ticket: Ticket, publish: bool) -> None:
    """The events that announce a stored line: to its room and to the
    consoles of those who work its ticket; sent here unless the caller (a
    socket) sends them from its own event loop."""
    payload = posted.payload
    room_event = {
        "type": "chat.message",
        # Encoded once here rather than once per socket in the room.
        "frame": json.dumps({"type": "message", "message": payload}, ensure_ascii=False),
    }
    console_event = {
        "type": "console.message",
        "ticket": ticket_payload(ticket),
        "message": payload,
    }
    # The room first: a socket that posted marks it as its own (consumers).
    posted.events = [(layer.ticket_group(ticket.pk), room_event)] + [
        (group, console_event) for group in layer.console_groups_for(ticket)
    ]
    if publish:
        posted.broadcast = layer.publish_many(posted.events)


def mark_read(user, ticket_id, up_to) -> int:
    """Record that the user has read the ticket's chat up to message `up_to`
    (已读); marks only move forward. Returns the mark now in force."""
    require_view(user, ticket_id)
    if isinstance(up_to, bool) or not isinstance(up_to, int) or not 0 <= up_to <= MAX_ID:
        raise ChatRefused("invalid", _("The message number must be a whole number."))
    newest = (
        ChatMessage.objects.filter(ticket_id=ticket_id, pk__lte=up_to)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if newest is None:
        return 0
    with transaction.atomic():
        mark, created = ReadMark.objects.get_or_create(
            ticket_id=ticket_id, user=user, defaults={"last_read_id": newest}
        )
        if not created:
            if mark.last_read_id >= newest:
                return mark.last_read_id
            marks = ReadMark.objects.filter(pk=mark.pk)
            marks.update(last_read_id=Greatest("last_read_id", newest))
            mark.refresh_from_db()
        up_to_now = mark.last_read_id
        transaction.on_commit(
            lambda: layer.publish_many(
                [
                    (
                        layer.ticket_group(ticket_id),
                        {"type": "chat.read", "user": person_payload(user), "up_to": up_to_now},
                    ),
                    (
                        layer.console_user_group(user.pk),
                        {"type": "console.read", "ticket_id": int(ticket_id), "up_to": up_to_now},
                    ),
                ]
            )
        )
    return up_to_now


def _posted(line_id: int, followup_id: int, old_status: int):
    """The outbox message a stored line leaves for the worker: what the rest
    of the desk does about a ticket update (the reporter's notice and
    e-mail), off the socket's process, surviving a crash after the commit."""
    return outbox.call(
        f"chat.posted:{line_id}", announce_update, followup_id=followup_id, old_status=old_status
    )


@outbox.handler
def announce_update(followup_id: int, old_status: int) -> None:
    """A chat line is a ticket update for the rest of the desk (ticket_updated)."""
    followup = FollowUp.objects.filter(pk=followup_id).select_related("ticket", "user").first()
    if followup is None:
        return
    ticket_updated.send(
        sender=Ticket,
        ticket=followup.ticket,
        followup=followup,
        user=followup.user,
        old_status=old_status,
    )


@outbox.handler
def announce_ticket_filed(ticket_id: int) -> None:
    """Push a newly filed ticket to the operator consoles that may see it."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    event = {"type": "console.ticket_filed", "ticket": ticket_payload(ticket)}
    layer.publish_many([(group, event) for group in layer.console_groups_for(ticket)])


def push_to_consoles(ticket: Ticket, kind: str, data: dict) -> None:
    """For other apps (the SLA clock's warnings and breaches): show a notice
    about a ticket on the consoles of the operators who may see it."""
    event = {"type": "console.notice", "kind": kind, "ticket": ticket_payload(ticket), **data}
    layer.publish_many([(group, event) for group in layer.console_groups_for(ticket)])


def push_to_each_console(kind: str, messages: dict[int, str]) -> None:
    """For many tickets at once (the SLA sweep's escalations): one event per
    operator, naming the tickets among them that the operator may see, each
    with its message, rather than an event per ticket."""
    tickets = {
        ticket.pk: ticket_payload(ticket)
        for ticket in Ticket.objects.filter(pk__in=list(messages)).only(
            "title", "status", "created"
        )
    }
    sends = []
    for user in scope.ticket_workers():
        visible = scope.visible_tickets(user).filter(pk__in=list(tickets))
        notices = [
            {"ticket": tickets[pk], "message": messages[pk]}
            for pk in sorted(visible.values_list("pk", flat=True))
        ]
        if notices:
            event = {"type": "console.notices", "kind": kind, "notices": notices}
            sends.append((layer.console_user_group(user.pk), event))
    layer.publish_many(sends)


@outbox.handler
def announce_reply(followup_id: int) -> None:
    """Show a public follow-up (an operator's reply, a resolution) live in the
    ticket's conversation. Read again at delivery: a follow-up that is not
    public (an internal note, or one made internal since) is never sent."""
    followup = (
        FollowUp.objects.filter(pk=followup_id, public=True, chat_message__isnull=True)
        .select_related("user")
        .prefetch_related("followupattachment_set", "ticketchange_set")
        .first()
    )
    if followup is None:
        return
    entry = reply_payload(followup, followup_edits([followup.pk]).get(followup.pk))
    frame = json.dumps({"type": "reply", "entry": entry}, ensure_ascii=False)
    layer.publish_many(
        [(layer.ticket_group(followup.ticket_id), {"type": "chat.message", "frame": frame})]
    )
