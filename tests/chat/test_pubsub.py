"""The chat's Redis layer: one subscription per process for a room, however
many sockets of that process are in it, and a watch that lives as long as
the process has sockets."""

import asyncio
import os

import pytest
import pytest_asyncio
from redis import asyncio as aioredis

from helpdesk_site.chat.pubsub import ChatChannelLayer

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)"),
]


@pytest_asyncio.fixture
async def layer():
    layer = ChatChannelLayer(hosts=[os.environ["REDIS_URL"]], prefix="test-pubsub")
    yield layer
    await layer.flush()


async def test_a_room_event_is_one_publish_fanned_out_in_the_process(layer):
    sockets = [await layer.new_channel() for _ in range(3)]
    for channel in sockets:
        await layer.group_add("chat.ticket.1", channel)
    redis = aioredis.from_url(os.environ["REDIS_URL"])
    try:
        subscribers = dict(await redis.pubsub_numsub("test-pubsub__group__chat.ticket.1"))
    finally:
        await redis.aclose()
    assert list(subscribers.values()) == [1]

    await layer.group_send("chat.ticket.1", {"type": "chat.message", "frame": "你好"})
    received = [await asyncio.wait_for(layer.receive(c), 5) for c in sockets]
    assert [m["frame"] for m in received] == ["你好"] * 3


async def test_the_watch_runs_while_sockets_hold_it(layer):
    async with layer.watching():
        async with layer.watching():
            await asyncio.sleep(0.1)
            (watch,) = layer._watches.values()
            tasks = list(watch.tasks)
            assert len(tasks) == 2 and not any(t.done() for t in tasks)
        assert not any(t.done() for t in tasks)
        assert layer.is_live()
    await asyncio.sleep(0.1)
    assert layer._watches == {}
    assert all(t.cancelled() for t in tasks)
