"""Publishing to the channel layer, and the group names everybody agrees on.

A publish that fails (Redis away) is logged and reported as False: messages
are already stored by then, and clients catch up from the database.
"""

import contextlib
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def ticket_group(ticket_id) -> str:
    return f"chat.ticket.{int(ticket_id)}"


def console_user_group(user_id) -> str:
    return f"chat.console.user.{int(user_id)}"


def console_queue_group(queue_id) -> str:
    return f"chat.console.queue.{int(queue_id)}"


CONSOLE_ALL_GROUP = "chat.console.all"


def console_groups_for(ticket) -> list[str]:
    """Where console events about a ticket go: its queue's operators, admins,
    and whoever it is assigned to. Each console re-checks scope on arrival."""
    groups = [console_queue_group(ticket.queue_id), CONSOLE_ALL_GROUP]
    if ticket.assigned_to_id:
        groups.append(console_user_group(ticket.assigned_to_id))
    return groups


def watching(channel_layer):
    """Held by a socket for its lifetime. The Redis layer (chat.pubsub) runs
    its outage watch meanwhile; the in-memory layer cannot go away."""
    watch = getattr(channel_layer, "watching", None)
    return watch() if watch is not None else contextlib.nullcontext()


def is_live(channel_layer) -> bool:
    return getattr(channel_layer, "is_live", lambda: True)()


async def forget_channel(channel_layer, channel) -> None:
    """A socket is gone: its channel's subscription goes too (chat.pubsub);
    the in-memory layer has nothing to unsubscribe."""
    forget = getattr(channel_layer, "forget_channel", None)
    if forget is not None:
        await forget(channel)


def check_now(channel_layer) -> None:
    """A publish failed: have the layer's watch check Redis at once."""
    check = getattr(channel_layer, "check_now", None)
    if check is not None:
        check()


def publish_many(sends: list[tuple[str, dict]]) -> bool:
    """Several group_sends from synchronous code, in one hop to the event
    loop; False if any could not be made."""
    layer = get_channel_layer()
    if layer is None:
        return False
    return async_to_sync(apublish_many)(layer, sends)


async def apublish_many(layer, sends: list[tuple[str, dict]]) -> bool:
    """The same from an event loop (a socket that posted)."""
    try:
        send_many = getattr(layer, "group_send_many", None)
        if send_many is not None:
            # The Redis layer (chat.pubsub): one round trip for all of them.
            await send_many(sends)
        else:
            for group, event in sends:
                await layer.group_send(group, event)
    except Exception:
        logger.warning("chat: channel layer unreachable, %d events not delivered live", len(sends))
        check_now(layer)
        return False
    return True
