"""A new notice reaches the recipient's open pages over /ws/notices/."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from helpdesk.update_ticket import update_ticket

from helpdesk_site.asgi import application
from tests.chat.conftest import session_cookie

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_socket_connections"),
]

TIMEOUT = 5


async def open_socket(user):
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    socket = WebsocketCommunicator(application, "/ws/notices/", headers=headers)
    connected, code = await socket.connect(timeout=TIMEOUT)
    return socket, connected, code


async def test_a_reply_is_pushed_live_to_the_reporter_only(desk):
    reporter_socket, connected, _code = await open_socket(desk.reporter)
    assert connected
    hello = await reporter_socket.receive_json_from(timeout=TIMEOUT)
    assert hello["type"] == "hello" and hello["unread"] == 0
    supervisor_socket, connected, _code = await open_socket(desk.supervisor)
    assert connected
    await supervisor_socket.receive_json_from(timeout=TIMEOUT)

    # Outside a transaction, as a request: the push goes out after the commit.
    await database_sync_to_async(update_ticket)(
        desk.operator, desk.ticket, comment="请重新登录后再试", public=True
    )
    frame = await reporter_socket.receive_json_from(timeout=TIMEOUT)
    assert frame["type"] == "notice" and frame["unread"] == 1
    assert "请重新登录后再试" in frame["notice"]["message"]
    assert frame["notice"]["url"] == f"/tickets/{desk.ticket.pk}/"
    assert await supervisor_socket.receive_nothing(timeout=0.5)
    await reporter_socket.disconnect()
    await supervisor_socket.disconnect()


async def test_anonymous_visitors_are_refused(desk):
    _socket, connected, code = await open_socket(None)
    assert not connected and code == 4403
