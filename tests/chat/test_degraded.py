"""Redis going away and coming back, with a Redis of the test's own (the
shared one is never stopped): messages are still stored, sockets say they are
degraded, and live delivery resumes without a restart."""

import asyncio
import shutil
import socket
import subprocess
import time

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from helpdesk_site.chat.models import ChatMessage
from tests.chat.test_consumers import join, next_frame

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_socket_connections"),
]

RECOVERY = 30


class PrivateRedis:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(settings):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis()
    redis.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "helpdesk_site.chat.pubsub.ChatChannelLayer",
            "CONFIG": {"hosts": [redis.url], "watch_seconds": 0.5},
        }
    }
    yield redis
    redis.stop()


async def next_status(socket, state):
    while True:
        frame = await socket.receive_json_from(timeout=RECOVERY)
        if frame["type"] == "status" and frame["state"] == state:
            return frame


async def test_a_redis_outage_degrades_and_then_heals(room, private_redis):
    clerk, hello = await join(room.filer, room.ticket)
    assert hello["state"] == "live"
    operator, _ = await join(room.operator, room.ticket)

    private_redis.stop()
    await next_status(clerk, "degraded")
    await next_status(operator, "degraded")

    # Still accepted and stored over the socket ...
    await clerk.send_json_to({"type": "post", "body": "Redis 停了也能发", "client_id": "a"})
    ack = await next_frame(clerk, "ack")
    # ... and over HTTP.
    client = Client()
    await database_sync_to_async(client.force_login)(room.filer)
    response = await database_sync_to_async(client.post)(
        reverse("chat:messages", args=[room.ticket.pk]), {"body": "HTTP 也能发"}
    )
    assert response.status_code == 201
    assert response.json()["live"] is False
    assert await database_sync_to_async(ChatMessage.objects.count)() == 2

    private_redis.start()
    await next_status(clerk, "live")
    await next_status(operator, "live")

    # The operator catches up on what was not delivered live ...
    await operator.send_json_to({"type": "resume", "after_id": 0})
    history = await next_frame(operator, "history")
    assert [m["body"] for m in history["messages"]] == ["Redis 停了也能发", "HTTP 也能发"]
    assert history["messages"][0]["id"] == ack["message"]["id"]
    # ... and live delivery works again, on the same sockets.
    await clerk.send_json_to({"type": "post", "body": "恢复了"})
    delivered = await next_frame(operator, "message")
    assert delivered["message"]["body"] == "恢复了"
    await clerk.disconnect()
    await operator.disconnect()


async def test_a_socket_opened_while_redis_is_down_says_so(room, private_redis):
    private_redis.stop()
    clerk, hello = await join(room.filer, room.ticket)
    assert hello["state"] == "degraded"
    await clerk.send_json_to({"type": "post", "body": "还能存"})
    while (frame := await clerk.receive_json_from(timeout=RECOVERY))["type"] != "ack":
        assert frame == {"type": "status", "state": "degraded"}
    assert frame["message"]["body"] == "还能存"
    await clerk.disconnect()


async def test_a_crashed_consumer_leaves_no_redis_subscription(room, private_redis, monkeypatch):
    """However a socket's consumer ends, its channel and the room groups it
    joined are unsubscribed in Redis."""
    import redis

    from helpdesk_site.chat import layer
    from helpdesk_site.chat.consumers import TicketChatConsumer
    from tests.factories import file_ticket

    async def crash(self, event):
        raise RuntimeError("a fault in an event handler")

    monkeypatch.setattr(TicketChatConsumer, "chat_typing", crash)
    tickets = [
        await database_sync_to_async(file_ticket)(room.filer, title=f"第{n}件") for n in range(5)
    ]
    client = redis.Redis.from_url(private_redis.url)
    for ticket in tickets:
        clerk, _ = await join(room.filer, ticket)
        await database_sync_to_async(layer.publish_many)(
            [(layer.ticket_group(ticket.pk), {"type": "chat.typing", "channel": "x", "user": {}})]
        )
        # The consumer dies of the fault (the communicator would only say so
        # once a receive timed out).
        deadline = time.monotonic() + RECOVERY
        while not clerk.future.done() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert isinstance(clerk.future.exception(), RuntimeError)
    # One socket that ends normally, too.
    clerk, _ = await join(room.filer, room.ticket)
    await clerk.disconnect()

    def leftovers():
        names = {n.decode() for n in client.pubsub_channels("asgi*")}
        return sorted(n for n in names if "probe." not in n)

    deadline = time.monotonic() + RECOVERY
    while leftovers() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert leftovers() == []
    client.close()
