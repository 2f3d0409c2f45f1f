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


class RoundTrips:
    """A TCP relay in front of Redis that counts round trips: each time the
    client speaks again after Redis has answered."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.count = 0
        self.server = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _relay(self, client_reader, client_writer):
        redis_reader, redis_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        state = {"answered": True}

        async def pump(reader, writer, from_client):
            while data := await reader.read(65536):
                if from_client and state["answered"]:
                    self.count += 1
                state["answered"] = not from_client
                writer.write(data)
                await writer.drain()
            writer.close()

        await asyncio.gather(
            pump(client_reader, redis_writer, True),
            pump(redis_reader, client_writer, False),
            return_exceptions=True,
        )

    async def stop(self):
        self.server.close()


async def test_a_chat_lines_events_go_out_in_one_round_trip(layer):
    from urllib.parse import urlsplit

    from helpdesk_site.chat import layer as chat_layer

    url = urlsplit(os.environ["REDIS_URL"])
    relay = RoundTrips(url.port or 6379)
    port = await relay.start()
    sender = ChatChannelLayer(hosts=[f"redis://127.0.0.1:{port}{url.path}"], prefix="test-pubsub")
    groups = ["chat.ticket.7", "chat.console.queue.3", "chat.console.all"]
    listeners = {}
    for group in groups:
        listeners[group] = await layer.new_channel()
        await layer.group_add(group, listeners[group])
    try:
        await sender.group_send("chat.console.all", {"type": "warm.up"})  # connects
        await asyncio.wait_for(layer.receive(listeners["chat.console.all"]), 5)
        relay.count = 0
        sends = [(group, {"type": "chat.message", "frame": group}) for group in groups]
        assert await chat_layer.apublish_many(sender, sends)
        received = [await asyncio.wait_for(layer.receive(listeners[g]), 5) for g in groups]
        assert [m["frame"] for m in received] == groups
        assert relay.count == 1
    finally:
        await sender.flush()
        await relay.stop()
