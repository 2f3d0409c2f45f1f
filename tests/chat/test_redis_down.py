"""Redis unreachable from the start (nothing listens on its port): the chat
still stores and answers over HTTP, as docs/chat.md promises, and a new
socket is let in as degraded (so the panel talks over HTTP) rather than
crashing the handshake."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from helpdesk_site.chat.models import ChatMessage
from tests.chat.test_consumers import join, next_frame

KEY = "5d0b8c44-2a43-4f0e-9c0e-1f7d3b6a9e21"


@pytest.mark.django_db
def test_http_posting_and_reading_work_without_redis(room, redis_down):
    client = Client()
    client.force_login(room.filer)
    url = reverse("chat:messages", args=[room.ticket.pk])
    response = client.post(url, {"body": "Redis 停了", "client_id": KEY})
    assert response.status_code == 201
    assert response.json()["live"] is False
    # A retry is still recognised: the key is in the database, not in Redis.
    assert client.post(url, {"body": "Redis 停了", "client_id": KEY}).status_code == 200
    operator = Client()
    operator.force_login(room.operator)
    data = operator.get(url).json()
    assert [m["body"] for m in data["messages"]] == ["Redis 停了"]
    read = operator.post(
        reverse("chat:read", args=[room.ticket.pk]), {"up_to": data["messages"][0]["id"]}
    )
    assert read.status_code == 200
    assert ChatMessage.objects.count() == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_a_socket_opened_without_redis_is_degraded_and_still_stores(room, redis_down):
    clerk, hello = await join(room.filer, room.ticket)
    assert hello["state"] == "degraded"
    await clerk.send_json_to({"type": "post", "body": "还能存", "client_id": KEY})
    while (frame := await clerk.receive_json_from(timeout=10))["type"] != "ack":
        assert frame == {"type": "status", "state": "degraded"}
    assert frame["message"]["body"] == "还能存"
    assert await database_sync_to_async(ChatMessage.objects.count)() == 1
    await clerk.send_json_to({"type": "resume", "after_id": 0})
    history = await next_frame(clerk, "history")
    assert [m["body"] for m in history["messages"]] == ["还能存"]
    await clerk.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_a_handshake_that_cannot_read_the_session_is_refused_cleanly(room, settings):
    """A cache that raises when Redis is away (Django's own Redis cache) in
    front of the sessions: the handshake is refused with "try again later",
    which the panel answers by polling over HTTP, instead of a crash."""
    from channels.testing import WebsocketCommunicator

    from helpdesk_site.asgi import application
    from tests.chat.conftest import closed_port, session_cookie

    cookie = await database_sync_to_async(session_cookie)(room.filer)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    socket = WebsocketCommunicator(
        application,
        f"/ws/tickets/{room.ticket.pk}/",
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    connected, code = await socket.connect(timeout=10)
    assert not connected
    assert code == 1013
