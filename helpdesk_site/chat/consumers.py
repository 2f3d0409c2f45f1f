"""The chat's websockets: one room per ticket, one console per operator.

Thin: every action asks the scope module (through the session's current
user, looked up afresh) and goes through services/selectors. These promises
hold whatever a client sends or the channel layer does:
- a bad frame gets an error frame back; the connection stays up;
- a socket has a budget of frames (every kind counts), and a user a number
  of sockets per process;
- however a consumer ends, even by crashing, it leaves the groups it joined
  (their Redis subscriptions go with the last member) and frees its place;
- a channel layer that goes away (Redis down) makes the socket report
  "degraded" instead of dying, and "live" again when the layer has
  resubscribed its groups (see chat.pubsub).
"""

import asyncio
import json
import logging
import math
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest
from django.utils.translation import gettext as _
from helpdesk.user import HelpdeskUser

from helpdesk_site.chat import layer, selectors, services
from helpdesk_site.chat.errors import AccountChanged, ChatRefused
from helpdesk_site.chat.window import SlidingWindow
from helpdesk_site.errors import DATABASE_DOWN
from helpdesk_site.tickets import scope

logger = logging.getLogger(__name__)

FORBIDDEN = 4403
TOO_MANY_SOCKETS = 4429
MAX_FRAME_CHARS = 64 * 1024

# Open sockets per user in this process (daphne runs one event loop, so no
# lock). Kept here rather than in Redis: it bounds what one user can hold of
# a process, needs no round trip, and cannot leak past the process.
_sockets_per_user: dict[int, int] = {}


# The sockets' database work runs in a small pool of its own: more than one
# thread, so one slow query does not hold up every socket of the process, but
# few, because threads beyond the cores make them and the event loop fight
# over the GIL. Measured with bench/chat_load.py at 150 messages/s: with
# asyncio's default 6 threads a ping took 0.3 s at p99, with 2 it took 8 ms.
DATABASE_THREADS = ThreadPoolExecutor(
    max_workers=settings.CHAT_DATABASE_THREADS, thread_name_prefix="chat-db"
)


def db(func):
    """Run ORM code off the event loop, in DATABASE_THREADS. Each call still
    opens and tidies its thread's connection (database_sync_to_async's
    close_old_connections)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=DATABASE_THREADS)


def _session_user(session_key):
    """The user the session stands for right now: logged out, expired,
    deactivated or changed-password sessions give an anonymous user."""
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return get_user(request)


@db
def _room_access(session_key, ticket_id):
    """(user, may post) for a user who may open the ticket's page, else None."""
    user = _session_user(session_key)
    if not user.is_authenticated:
        return None
    ticket = scope.visible_tickets(user).filter(pk=ticket_id).first()
    if ticket is None:
        return None
    return user, scope.can_comment(user, ticket)


@db
def _authorize(session_key, ticket_id=None):
    user = _session_user(session_key)
    if not user.is_authenticated:
        return None
    if ticket_id is not None and not scope.can_view_ticket(user, ticket_id):
        return None
    return user


@db
def _post(session_key, ticket_id, body, client_id, user=None):
    """The session's user posts, in one trip to a database thread; a user who
    can no longer see the ticket is told so (and the socket closed). Given
    the `user` read earlier by this socket, the post itself checks that the
    session and the account still stand as they were (no statement of its
    own on the hot path), and the user is read again only if not; the scope
    is checked by the post in any case. Returns (user, posted)."""
    standing = selectors.account_standing(session_key, user) if user is not None else None
    if standing is None:
        user = _session_user(session_key)
    try:
        try:
            if not user.is_authenticated:
                raise _no_access()
            return user, services.post_message(
                user, ticket_id, body, client_id=client_id, publish=False, standing=standing
            )
        except AccountChanged:
            user = _session_user(session_key)
            if not user.is_authenticated:
                raise _no_access() from None
            return user, services.post_message(
                user, ticket_id, body, client_id=client_id, publish=False
            )
    except ChatRefused as refusal:
        if refusal.code == "forbidden" and not scope.can_view_ticket(user, ticket_id):
            raise _no_access() from None
        raise


@db
def _visible_to_console(session_key, ticket_ids) -> set[int]:
    """Which of these tickets the session's user may see now, if they still
    work tickets at all."""
    user = _session_user(session_key)
    if not scope.works_tickets(user):
        return set()
    return set(scope.visible_tickets(user).filter(pk__in=ticket_ids).values_list("pk", flat=True))


def _no_access() -> ChatRefused:
    return ChatRefused("no_access", _("You can no longer see this ticket."), status=403)


class ResilientJsonConsumer(AsyncWebsocketConsumer):
    """JSON frames in and out, errors answered in band, and a channel layer
    that may come and go: the layer's watch (chat.pubsub) says when, with
    ``layer.down`` and ``layer.up`` events, and the socket tells its client."""

    actions: tuple = ()

    async def __call__(self, scope, receive, send):
        self.groups_joined: set[str] = set()
        self.accepted = False
        self.ended = False
        self.slot_user = None
        self.frames = SlidingWindow(settings.CHAT_FRAME_RATE_LIMIT, settings.CHAT_FRAME_RATE_WINDOW)
        async with layer.watching(get_channel_layer(self.channel_layer_alias)):
            try:
                await super().__call__(scope, receive, send)
            finally:
                # Also when a handler raised or the task was cancelled; shielded
                # so that a second cancellation cannot cut the clean-up short.
                await asyncio.shield(self.leave())

    async def leave(self):
        """Give back what the socket held: its place, its presence, its groups
        (channels-redis unsubscribes a group when its last local member goes)
        and its own channel."""
        if self.slot_user is not None:
            left = _sockets_per_user.get(self.slot_user, 1) - 1
            if left > 0:
                _sockets_per_user[self.slot_user] = left
            else:
                _sockets_per_user.pop(self.slot_user, None)
            self.slot_user = None
        if not self.ended:
            self.ended = True
            try:
                await self.disconnect(None)
            except Exception:
                logger.warning("chat: could not announce a socket's end", exc_info=True)
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.warning("chat: could not unsubscribe from %s", group)
        self.groups_joined = set()
        if getattr(self, "channel_name", None):
            try:
                await layer.forget_channel(self.channel_layer, self.channel_name)
            except Exception:
                logger.warning("chat: could not unsubscribe a socket's channel")

    async def take_place(self, user) -> bool:
        """Count this socket against the user's; over the cap it is accepted
        only to say why, and closed (the panel then talks over HTTP)."""
        held = _sockets_per_user.get(user.pk, 0)
        if held >= settings.CHAT_MAX_SOCKETS_PER_USER:
            await self.accept()
            await self.send_error(
                "too_many_sockets",
                _("Too many open chat connections (at most %(limit)d); close some pages.")
                % {"limit": settings.CHAT_MAX_SOCKETS_PER_USER},
            )
            await self.close(code=TOO_MANY_SOCKETS)
            return False
        _sockets_per_user[user.pk] = held + 1
        self.slot_user = user.pk
        return True

    @property
    def layer_live(self) -> bool:
        return layer.is_live(self.channel_layer)

    async def join(self, groups) -> bool:
        """Join the groups; False if live delivery is not there yet (the layer
        subscribes them when Redis returns)."""
        joined = True
        for group in groups:
            self.groups_joined.add(group)
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception:
                joined = False
        if not joined:
            logger.warning("chat: channel layer unreachable, socket degraded")
        return joined and self.layer_live

    async def dispatch(self, message):
        # channels' dispatch first tidies database connections in its database
        # thread for every event; here every database use goes through db(),
        # which does that itself, so room broadcasts skip the hop.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def layer_down(self, event):
        if self.accepted:
            await self.send_json({"type": "status", "state": "degraded"})

    async def layer_up(self, event):
        if self.accepted:
            await self.send_json({"type": "status", "state": "live"})

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol, headers)
        self.accepted = True

    async def websocket_disconnect(self, message):
        self.ended = True
        await self.disconnect(message.get("code"))
        raise StopConsumer()

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def send_error(self, code, message, **extra):
        await self.send_json({"type": "error", "error": code, "message": str(message), **extra})

    @property
    def session_key(self):
        session = self.scope.get("session")
        return getattr(session, "session_key", None)

    async def receive(self, text_data=None, bytes_data=None):
        wait = self.frames.hit(time.monotonic())
        if wait > 0:
            await self.send_error(
                "rate_limited",
                _(
                    "Too many frames: at most %(limit)d every %(window)d seconds. "
                    "Try again in %(wait)d seconds."
                )
                % {
                    "limit": self.frames.limit,
                    "window": self.frames.window,
                    "wait": math.ceil(wait),
                },
                retry_after=math.ceil(wait),
            )
            return
        if text_data is None:
            await self.send_error("invalid", _("Frames must be JSON text."))
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.send_error("too_long", _("The frame is too large."))
            return
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):
            # RecursionError: arrays or objects nested thousands deep.
            await self.send_error("invalid", _("The frame is not valid JSON."))
            return
        if not isinstance(frame, dict):
            await self.send_error("invalid", _("A frame must be a JSON object."))
            return
        if frame.get("type") not in self.actions:
            await self.send_error(
                "unknown_type",
                _("Unknown frame type. Known: %(types)s.") % {"types": ", ".join(self.actions)},
            )
            return
        try:
            client_id = services.clean_client_id(frame.get("client_id"))
        except ChatRefused as refusal:
            await self.send_json({"type": "error", **refusal.as_dict()})
            return
        extra = {"client_id": client_id} if client_id else {}
        try:
            await getattr(self, f"do_{frame['type']}")(frame, extra)
        except ChatRefused as refusal:
            await self.send_json({"type": "error", **refusal.as_dict(), **extra})
            if refusal.code == "no_access":
                await self.close(code=FORBIDDEN)
        except DATABASE_DOWN:
            # Not the frame's fault: the socket stays, the client retries later.
            logger.warning("chat: frame %s failed, database unavailable", frame.get("type"))
            await self.send_error(
                "unavailable",
                _("The service is briefly unavailable; try again shortly."),
                retry_after=settings.RETRY_AFTER_SECONDS,
                **extra,
            )
        except Exception:
            logger.exception("chat: frame %s failed", frame.get("type"))
            await self.send_error("server_error", _("Something went wrong; try again."), **extra)

    async def do_ping(self, frame, extra):
        await self.send_json({"type": "pong", **extra})


class TicketChatConsumer(ResilientJsonConsumer):
    """/ws/tickets/<ticket_id>/: the ticket's chat room."""

    actions = ("post", "typing", "read", "resume", "ping")
    REAUTHORIZE_SECONDS = 30
    REREAD_ACCOUNT_SECONDS = 300
    TYPING_INTERVAL = 1.0

    async def websocket_connect(self, message):
        self.ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        self.group = layer.ticket_group(self.ticket_id)
        self.present: dict[str, dict] = {}
        self.last_typing = 0.0
        self.poster, self.poster_read_at = None, 0.0
        access = await _room_access(self.session_key, self.ticket_id)
        if access is None:
            await self.close(code=FORBIDDEN)
            return
        user, can_post = access
        if not await self.take_place(user):
            return
        self.checked_at = time.monotonic()
        # The user just read is the poster of this socket's first lines too.
        self.poster, self.poster_read_at = user, self.checked_at
        self.me = selectors.person_payload(user)
        await self.accept()
        live = await self.join([self.group])
        reads = await db(selectors.read_marks)(user, self.ticket_id)
        await self.send_json(
            {
                "type": "hello",
                "me": self.me,
                "can_post": can_post,
                "state": "live" if live else "degraded",
                "reads": reads,
                "presence": [self.me],
            }
        )
        if live:
            await self.announce("chat.presence_join")

    async def authorized(self):
        """The session's user if they may still see this ticket, else None."""
        user = await _authorize(self.session_key, self.ticket_id)
        if user is not None:
            self.checked_at = time.monotonic()
        return user

    async def require_user(self):
        """Every client frame starts here: refused, and the socket closed,
        once the user may no longer see the ticket."""
        user = await self.authorized()
        if user is None:
            raise _no_access()
        return user

    async def still_allowed(self) -> bool:
        """For pushes to the client: re-checked at most every few seconds."""
        if time.monotonic() - self.checked_at < self.REAUTHORIZE_SECONDS:
            return True
        if await self.authorized() is not None:
            return True
        await self.close(code=FORBIDDEN)
        return False

    async def disconnect(self, code):
        # Also called for a consumer that crashed (see leave).
        if getattr(self, "me", None) and self.group in self.groups_joined and self.layer_live:
            await self.announce("chat.presence_leave")

    async def announce(self, kind):
        event = {"type": kind, "channel": self.channel_name, "user": self.me}
        await layer.apublish_many(self.channel_layer, [(self.group, event)])

    async def send_presence(self):
        people = {self.me["id"]: self.me}
        for person in self.present.values():
            people.setdefault(person["id"], person)
        await self.send_json({"type": "presence", "users": list(people.values())})

    # --- client frames -----------------------------------------------------

    async def do_post(self, frame, extra):
        body = frame.get("body")
        if not isinstance(body, str):
            raise ChatRefused("invalid", _("The message must be text."))
        now = time.monotonic()
        # The user read for an earlier post is checked by the post itself
        # (selectors.AccountStanding), not read again: an operator's until
        # REAUTHORIZE_SECONDS have passed since that reading (their queues
        # come from permissions, which the check does not cover); anyone
        # else's, whose scope the check covers whole, until
        # REREAD_ACCOUNT_SECONDS (a new name shows by then).
        held = now - self.poster_read_at
        known = self.poster
        if known is not None and (
            held >= self.REREAD_ACCOUNT_SECONDS
            or (held >= self.REAUTHORIZE_SECONDS and not scope.rule_reads_only_the_account(known))
        ):
            known = None
        try:
            user, posted = await _post(
                self.session_key, self.ticket_id, body, extra.get("client_id"), known
            )
        except ChatRefused:
            self.poster = None
            raise
        if user is not known:
            self.poster, self.poster_read_at = user, now
        self.checked_at = time.monotonic()
        ack = {"type": "ack", "message": posted.payload, **extra}
        if posted.replayed:
            # Stored and announced by the first post with this client_id.
            ack["replayed"] = True
        else:
            # Stored; if publishing fails the layer's watch confirms the outage
            # and tells every socket, this one included. This socket's line
            # comes back in the ack: the room's frame skips it (not the
            # poster's other tabs).
            room, event = posted.events[0]
            events = [(room, {**event, "channel": self.channel_name}), *posted.events[1:]]
            await layer.apublish_many(self.channel_layer, events)
        await self.send_json(ack)

    async def do_typing(self, frame, extra):
        now = time.monotonic()
        if now - self.last_typing < self.TYPING_INTERVAL:
            return
        self.last_typing = now
        await self.require_user()
        await self.announce("chat.typing")

    async def do_read(self, frame, extra):
        user = await self.require_user()
        up_to = await db(services.mark_read)(user, self.ticket_id, frame.get("up_to"))
        await self.send_json({"type": "read_ok", "up_to": up_to, **extra})

    async def do_resume(self, frame, extra):
        """Every message after `after_id`, a page at a time: the panel sends
        the last id it has without a gap before it, so nothing is skipped."""
        user = await self.require_user()
        after = frame.get("after_id", 0)
        messages, more = await db(selectors.messages_after)(user, self.ticket_id, after)
        await self.send_json(
            {"type": "history", "after_id": after, "messages": messages, "more": more, **extra}
        )

    # --- channel layer events ---------------------------------------------

    async def chat_message(self, event):
        if event.get("channel") == self.channel_name:
            return
        if await self.still_allowed():
            await self.send(text_data=event["frame"])

    async def chat_read(self, event):
        if await self.still_allowed():
            await self.send_json({"type": "read", "user": event["user"], "up_to": event["up_to"]})

    async def chat_typing(self, event):
        if event["channel"] != self.channel_name and await self.still_allowed():
            await self.send_json({"type": "typing", "user": event["user"]})

    async def chat_presence_join(self, event):
        if event["channel"] == self.channel_name:
            return
        self.present[event["channel"]] = event["user"]
        try:
            await self.channel_layer.send(
                event["channel"],
                {"type": "chat.presence_here", "channel": self.channel_name, "user": self.me},
            )
        except Exception:
            layer.check_now(self.channel_layer)
        await self.send_presence()

    async def chat_presence_here(self, event):
        self.present[event["channel"]] = event["user"]
        await self.send_presence()

    async def chat_presence_leave(self, event):
        if self.present.pop(event["channel"], None) is not None:
            await self.send_presence()

    async def layer_up(self, event):
        # Presence may have changed unseen during the outage: ask again.
        if not self.accepted:
            return
        await super().layer_up(event)
        self.present.clear()
        await self.announce("chat.presence_join")
        await self.send_presence()


class ConsoleConsumer(ResilientJsonConsumer):
    """/ws/console/: an operator's feed of new tickets and chat messages."""

    actions = ("ping",)

    async def websocket_connect(self, message):
        user = await _authorize(self.session_key)
        if user is None or not scope.works_tickets(user):
            await self.close(code=FORBIDDEN)
            return
        if not await self.take_place(user):
            return
        self.user = user
        self.seen = deque(maxlen=200)
        groups = await db(self.console_groups)(user)
        await self.accept()
        live = await self.join(sorted(groups))
        await self.send_json({"type": "hello", "state": "live" if live else "degraded"})

    @staticmethod
    def console_groups(user) -> set[str]:
        groups = {layer.console_user_group(user.pk)}
        if user.is_superuser or not settings.HELPDESK_ENABLE_PER_QUEUE_STAFF_PERMISSION:
            groups.add(layer.CONSOLE_ALL_GROUP)
        else:
            groups |= {layer.console_queue_group(q.pk) for q in HelpdeskUser(user).get_queues()}
        return groups

    async def forward(self, key, ticket_id, frame, with_unread=False):
        """Send an event on if it is new to this socket and the user may (still)
        see its ticket: a queue permission taken away stops the feed at once."""
        if key in self.seen:
            return
        self.seen.append(key)
        user = await _authorize(self.session_key, ticket_id)
        if user is None:
            return
        if with_unread:
            frame["unread"] = await db(selectors.unread_count)(user, ticket_id)
        await self.send_json(frame)

    async def console_message(self, event):
        message = event["message"]
        frame = {"type": "message", "ticket": event["ticket"], "message": message}
        await self.forward(("m", message["id"]), event["ticket"]["id"], frame, with_unread=True)

    async def console_ticket_filed(self, event):
        ticket = event["ticket"]
        await self.forward(("t", ticket["id"]), ticket["id"], {"type": "ticket", "ticket": ticket})

    async def console_read(self, event):
        frame = {"type": "read", "ticket_id": event["ticket_id"], "up_to": event["up_to"]}
        await self.forward(("r", event["ticket_id"], event["up_to"]), event["ticket_id"], frame)

    async def console_notice(self, event):
        ticket = event["ticket"]
        key = ("n", ticket["id"], event.get("kind"), json.dumps(event, sort_keys=True, default=str))
        frame = {k: v for k, v in event.items() if k != "type"}
        frame["type"] = "notice"
        await self.forward(key, ticket["id"], frame)

    async def console_notices(self, event):
        """Many tickets' notices in one event and one frame, scope checked
        once for all of them."""
        notices = event["notices"]
        visible = await _visible_to_console(self.session_key, [n["ticket"]["id"] for n in notices])
        notices = [n for n in notices if n["ticket"]["id"] in visible]
        if notices:
            await self.send_json({"type": "notices", "kind": event["kind"], "notices": notices})
