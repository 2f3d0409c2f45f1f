"""What keeps one client from taking more than its share, and other sites
out: the socket's Origin, sockets per user, frames per socket, and the
sliding per-user message budget (in Redis when the cache is django-redis,
in the process otherwise, and in the process again when Redis is away)."""

import uuid

import pytest
from channels.db import database_sync_to_async

from helpdesk_site.chat import ratelimit
from tests.chat.test_consumers import TIMEOUT, join, next_frame, open_socket, still_open

# --- the Origin ------------------------------------------------------------------


async def handshake(room, origin: bytes, host=b"localhost", extra=()) -> bool:
    """Whether the ticket's socket opens for the filer with these headers."""
    from channels.testing import WebsocketCommunicator

    from helpdesk_site.asgi import application
    from tests.chat.conftest import session_cookie

    cookie = await database_sync_to_async(session_cookie)(room.filer)
    headers = [
        (b"origin", origin),
        (b"host", host),
        (b"cookie", f"sessionid={cookie}".encode()),
        *extra,
    ]
    socket = WebsocketCommunicator(application, f"/ws/tickets/{room.ticket.pk}/", headers)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    if connected:
        await socket.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin",
    [
        b"http://localhost:8001",  # same host, another port: another site
        b"https://localhost",  # the page was not served over TLS
        b"http://localhost.evil.test",
        b"null",
        b"",
    ],
)
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_only_the_sites_own_origin_opens_a_socket(room, origin):
    assert not await handshake(room, origin)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_the_sites_own_origin_with_its_port_opens_a_socket(room):
    assert await handshake(room, b"http://localhost")
    assert await handshake(room, b"http://localhost:80")
    assert await handshake(room, b"http://localhost:8000", host=b"localhost:8000")
    assert not await handshake(room, b"http://localhost:8000", host=b"localhost:8001")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_behind_a_tls_proxy_the_https_origin_is_the_sites(room, settings):
    """As Django's CSRF check reads it: X-Forwarded-Proto from the proxy
    (BEHIND_PROXY), or an origin listed in CSRF_TRUSTED_ORIGINS."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_TRUSTED_ORIGINS = ["https://desk.example.gov.cn"]
    https = [(b"x-forwarded-proto", b"https")]
    assert await handshake(room, b"https://localhost", extra=https)
    assert not await handshake(room, b"https://localhost")
    assert not await handshake(room, b"http://localhost", extra=https)
    assert await handshake(room, b"https://desk.example.gov.cn")
    assert not await handshake(room, b"https://desk.example.gov.cn:8443")


# --- sockets per user -------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_a_user_has_at_most_so_many_sockets(room, settings):
    settings.CHAT_MAX_SOCKETS_PER_USER = 2
    path = f"/ws/tickets/{room.ticket.pk}/"
    first, _ = await join(room.filer, room.ticket)
    second = await open_socket(room.filer, "/ws/console/")
    assert not second.connected  # reporters have no console: not counted
    second, _ = await join(room.filer, room.ticket)

    third = await open_socket(room.filer, path)
    assert third.connected
    error = await third.receive_json_from(timeout=TIMEOUT)
    assert error["type"] == "error"
    assert error["error"] == "too_many_sockets"
    assert error["message"]
    closed = await third.receive_output(timeout=TIMEOUT)
    assert closed == {"type": "websocket.close", "code": 4429}

    # Somebody else is not affected.
    other, _ = await join(room.operator, room.ticket)
    # A socket closed frees its place.
    await first.disconnect()
    again, _ = await join(room.filer, room.ticket)
    for socket in (second, other, again):
        await still_open(socket)
        await socket.disconnect()


# --- frames per socket ----------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_every_kind_of_frame_counts_against_the_sockets_budget(room, settings):
    settings.CHAT_FRAME_RATE_LIMIT = 4
    settings.CHAT_FRAME_RATE_WINDOW = 60
    socket, _ = await join(room.filer, room.ticket)
    listener, _ = await join(room.operator, room.ticket)
    await socket.send_json_to({"type": "typing"})
    await socket.send_json_to({"type": "resume", "after_id": 0})
    await next_frame(socket, "history")
    await socket.send_json_to({"type": "read", "up_to": 0})
    await next_frame(socket, "read_ok")
    await socket.send_json_to({"type": "ping"})
    await next_frame(socket, "pong")
    for frame in ({"type": "typing"}, {"type": "ping", "client_id": "p"}, "junk"):
        if isinstance(frame, dict):
            await socket.send_json_to(frame)
        else:
            await socket.send_to(text_data=frame)
        error = await next_frame(socket, "error")
        assert error["error"] == "rate_limited"
        assert 1 <= error["retry_after"] <= 60
    # Refused, not disconnected (what still arrives is room news); the other
    # socket is untouched.
    while not await socket.receive_nothing(timeout=0.3):
        output = await socket.receive_output()
        assert output["type"] == "websocket.send", output
    await still_open(listener)
    await socket.disconnect()
    await listener.disconnect()


# --- the message budget: a sliding window -------------------------------------------


@pytest.fixture(params=["in-process", "django-redis"])
def budget_store(request):
    if request.param == "django-redis":
        request.getfixturevalue("django_redis_cache")
    return request.param


@pytest.mark.django_db
def test_the_budget_slides_instead_of_resetting_on_the_minute(budget_store):
    """A fixed window let 2 × limit through across a minute boundary."""
    key = f"test:{budget_store}:{uuid.uuid4().hex}"
    assert ratelimit.hit(key, 2, 60, now=1000.0).allowed
    assert ratelimit.hit(key, 2, 60, now=1019.5).allowed
    # The next minute has begun, but only 1.5 s have passed.
    refused = ratelimit.hit(key, 2, 60, now=1021.0)
    assert not refused.allowed
    assert refused.retry_after == 39
    assert not ratelimit.hit(key, 2, 60, now=1059.9).allowed
    # The first message is a minute old now.
    assert ratelimit.hit(key, 2, 60, now=1060.1).allowed
    assert not ratelimit.hit(key, 2, 60, now=1060.2).allowed


@pytest.mark.django_db
def test_the_budget_is_kept_in_redis_when_the_cache_is_django_redis(django_redis_cache):
    from django_redis import get_redis_connection

    name = f"shared:{uuid.uuid4().hex}"
    assert ratelimit.hit(name, 5, 60, now=1000.0).allowed
    # Another process counted four more in the same Redis.
    connection = get_redis_connection("default")
    connection.zadd(ratelimit.redis_key(name), {f"other-{n}": 1000.0 + n for n in range(4)})
    assert not ratelimit.hit(name, 5, 60, now=1010.0).allowed


@pytest.mark.django_db
def test_with_redis_unreachable_the_budget_is_counted_in_the_process(redis_down):
    name = f"down:{uuid.uuid4().hex}"
    verdicts = [ratelimit.hit(name, 2, 60, now=500.0 + n) for n in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
