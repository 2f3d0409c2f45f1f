"""The chat socket, driven through the whole ASGI stack (origin check,
session authentication, routing) with channels' WebsocketCommunicator."""

import asyncio
import threading

import psycopg
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Permission
from django.db import connection, connections

from helpdesk_site.asgi import application
from helpdesk_site.chat import services
from helpdesk_site.chat.models import ChatMessage
from tests.chat.conftest import closed_port, log_out, session_cookie
from tests.factories import file_ticket

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_socket_connections"),
]

TIMEOUT = 5
OUTSIDERS = [
    "reporter of another county",
    "reporter of another department",
    "operator of other queues",
    "supervisor of another county",
]


async def open_socket(user, path, origin=b"http://testserver", connect=True):
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    socket.connected, socket.close_code = await socket.connect(timeout=TIMEOUT)
    return socket


async def join(user, ticket):
    socket = await open_socket(user, f"/ws/tickets/{ticket.pk}/")
    assert socket.connected, socket.close_code
    hello = await next_frame(socket, "hello")
    return socket, hello


async def next_frame(socket, kind):
    """The next frame of this kind, passing over room news (presence, typing,
    receipts, broadcasts); anything else, such as an error, fails the test."""
    while True:
        frame = await socket.receive_json_from(timeout=TIMEOUT)
        if frame["type"] == kind:
            return frame
        assert frame["type"] in {"presence", "typing", "read", "message"}, frame


async def still_open(socket):
    await socket.send_json_to({"type": "ping", "client_id": "p"})
    assert (await next_frame(socket, "pong"))["client_id"] == "p"


# --- who gets in ------------------------------------------------------------


async def test_anonymous_visitors_are_refused(room):
    socket = await open_socket(None, f"/ws/tickets/{room.ticket.pk}/")
    assert not socket.connected


async def test_a_foreign_origin_is_refused(room):
    socket = await open_socket(room.filer, f"/ws/tickets/{room.ticket.pk}/", b"https://evil.test")
    assert not socket.connected


async def test_a_logged_out_session_is_refused(room):
    cookie = await database_sync_to_async(session_cookie)(room.filer)
    await database_sync_to_async(log_out)(cookie)
    socket = WebsocketCommunicator(
        application,
        f"/ws/tickets/{room.ticket.pk}/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert not connected


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_outsiders_cannot_open_the_socket(room, who):
    socket = await open_socket(room.outsiders[who], f"/ws/tickets/{room.ticket.pk}/")
    assert not socket.connected


async def test_an_unknown_socket_path_is_refused_cleanly(room):
    socket = await open_socket(room.filer, "/ws/nothing/here/")
    assert not socket.connected


async def test_the_filer_colleagues_and_operator_get_in(room):
    for user in (room.filer, room.colleague, room.operator, room.supervisor):
        socket, hello = await join(user, room.ticket)
        assert hello["me"]["id"] == user.pk
        assert hello["state"] == "live"
        assert hello["can_post"] is (user != room.supervisor)
        await socket.disconnect()


# --- talking ------------------------------------------------------------------


async def test_a_post_reaches_everyone_in_the_room_and_only_them(room):
    clerk, _ = await join(room.filer, room.ticket)
    clerks_other_tab, _ = await join(room.filer, room.ticket)
    operator, _ = await join(room.operator, room.ticket)
    other_ticket = await database_sync_to_async(file_ticket)(room.colleague, title="另一件事")
    elsewhere, _ = await join(room.colleague, other_ticket)

    await clerk.send_json_to({"type": "post", "body": "登录后页面空白", "client_id": "c1"})
    ack = await next_frame(clerk, "ack")
    assert ack["client_id"] == "c1"
    delivered = await next_frame(operator, "message")
    assert delivered["message"]["id"] == ack["message"]["id"]
    assert delivered["message"]["author"]["id"] == room.filer.pk
    assert delivered["message"]["html"] == "<p>登录后页面空白</p>"
    # The sender's other tab gets the broadcast; the socket that sent the
    # line has it from the ack, and is not sent it a second time.
    assert (await next_frame(clerks_other_tab, "message"))["message"]["id"] == ack["message"]["id"]
    await still_open(clerk)
    while not await clerk.receive_nothing(timeout=0.3):
        assert (await clerk.receive_json_from())["type"] != "message"
    assert await elsewhere.receive_nothing(timeout=0.5)

    stored = await database_sync_to_async(
        lambda: ChatMessage.objects.select_related("followup").get(pk=ack["message"]["id"])
    )()
    assert stored.followup.user_id == room.filer.pk
    for socket in (clerk, clerks_other_tab, operator, elsewhere):
        await socket.disconnect()


async def test_what_is_broadcast_is_already_stored(room):
    listener, _ = await join(room.operator, room.ticket)
    await database_sync_to_async(services.post_message)(room.filer, room.ticket, "已截图")
    frame = await next_frame(listener, "message")
    # Another connection than the one that wrote it sees it.
    found = {}

    def look():
        try:
            found["it"] = ChatMessage.objects.filter(pk=frame["message"]["id"]).exists()
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    await asyncio.get_running_loop().run_in_executor(None, thread.join)
    assert found["it"]
    await listener.disconnect()


async def test_supervisors_read_along_but_posting_is_refused_in_band(room):
    socket, _ = await join(room.supervisor, room.ticket)
    await socket.send_json_to({"type": "post", "body": "督办一下", "client_id": "s"})
    error = await next_frame(socket, "error")
    assert error["error"] == "forbidden"
    assert error["client_id"] == "s"
    await still_open(socket)
    assert await database_sync_to_async(ChatMessage.objects.count)() == 0
    await socket.disconnect()


async def test_resume_after_a_gap_returns_exactly_the_missed_messages(room):
    clerk, _ = await join(room.filer, room.ticket)
    await clerk.send_json_to({"type": "post", "body": "第一条"})
    seen = (await next_frame(clerk, "ack"))["message"]["id"]
    await clerk.disconnect()

    missed = []
    for text in ("您好", "请提供证照编号", "还在吗"):
        posted = await database_sync_to_async(services.post_message)(
            room.operator, room.ticket, text
        )
        missed.append(posted.message.pk)

    clerk, _ = await join(room.filer, room.ticket)
    await clerk.send_json_to({"type": "resume", "after_id": seen})
    history = await next_frame(clerk, "history")
    assert [m["id"] for m in history["messages"]] == missed
    assert [m["body"] for m in history["messages"]] == ["您好", "请提供证照编号", "还在吗"]
    assert history["more"] is False
    await clerk.disconnect()


async def test_resume_pages_through_a_long_gap(room, settings):
    settings.CHAT_HISTORY_PAGE = 2
    settings.CHAT_RATE_LIMIT = 100
    ids = []
    for n in range(5):
        posted = await database_sync_to_async(services.post_message)(
            room.filer, room.ticket, f"{n}"
        )
        ids.append(posted.message.pk)
    socket, _ = await join(room.operator, room.ticket)
    got, after = [], 0
    while True:
        await socket.send_json_to({"type": "resume", "after_id": after})
        history = await next_frame(socket, "history")
        got += [m["id"] for m in history["messages"]]
        after = got[-1]
        if not history["more"]:
            break
    assert got == ids
    await socket.disconnect()


async def test_the_rate_limit_answers_in_band_and_keeps_the_socket(room, settings):
    settings.CHAT_RATE_LIMIT = 2
    socket, _ = await join(room.filer, room.ticket)
    for n in range(2):
        await socket.send_json_to({"type": "post", "body": f"{n}"})
        await next_frame(socket, "ack")
    await socket.send_json_to({"type": "post", "body": "太快了", "client_id": "x"})
    error = await next_frame(socket, "error")
    assert error["error"] == "rate_limited"
    assert error["retry_after"] >= 1
    assert "2" in error["message"]
    await still_open(socket)
    assert await database_sync_to_async(ChatMessage.objects.count)() == 2
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json at all", "invalid"),
        ("[1, 2, 3]", "invalid"),
        ('"just a string"', "invalid"),
        ("null", "invalid"),
        ("42", "invalid"),
        ("[" * 30000 + "]" * 30000, "invalid"),
        ('{"type": "post", "body": "\\ud800 lone surrogate"}', "invalid"),
        ('{"type": "post", "body": "x", "client_id": "\\udfff"}', "invalid"),
        ('{"type": "post", "body": "x", "client_id": 7}', "invalid"),
        ('{"type": "read", "up_to": 99999999999999999999999}', "invalid"),
        ('{"type": "resume", "after_id": 99999999999999999999999}', "invalid"),
        ('{"no": "type"}', "unknown_type"),
        ('{"type": "delete_everything"}', "unknown_type"),
        ('{"type": "chat.message", "message": {}}', "unknown_type"),
        ('{"type": "post", "body": 42}', "invalid"),
        ('{"type": "post"}', "invalid"),
        ('{"type": "post", "body": "   "}', "empty"),
        ('{"type": "resume", "after_id": "abc"}', "invalid"),
        ('{"type": "resume", "after_id": -5}', "invalid"),
        ('{"type": "read", "up_to": [1]}', "invalid"),
        ('{"type": "post", "body": "' + "长" * 70000 + '"}', "too_long"),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else None,
)
async def test_malformed_frames_get_an_error_frame_and_nobody_is_dropped(room, frame, code):
    sender, _ = await join(room.filer, room.ticket)
    bystander, _ = await join(room.operator, room.ticket)
    await sender.send_to(text_data=frame)
    error = await next_frame(sender, "error")
    assert error["error"] == code
    assert error["message"]
    await still_open(sender)
    await still_open(bystander)
    await sender.disconnect()
    await bystander.disconnect()


async def test_binary_frames_get_an_error_frame(room):
    socket, _ = await join(room.filer, room.ticket)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await next_frame(socket, "error"))["error"] == "invalid"
    await still_open(socket)
    await socket.disconnect()


@database_sync_to_async
def _point_database_at(port):
    """Move every connection to another port, as when PostgreSQL restarts:
    the open ones are cut by the server, new ones go to `port`."""
    real = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = port
    with psycopg.connect(
        host=real["HOST"],
        port=real["PORT"],
        user=real["USER"],
        dbname=real["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def _reconnect_chat_threads():
    """Each of the chat's database threads drops its cut connection (a
    server restart leaves one per thread, each failing once when next used)."""
    from helpdesk_site.chat.consumers import DATABASE_THREADS

    threads = DATABASE_THREADS._max_workers
    everyone = threading.Barrier(threads)

    def reconnect():
        connections.close_all()
        everyone.wait(timeout=10)

    for done in [DATABASE_THREADS.submit(reconnect) for _ in range(threads)]:
        done.result()


@pytest.fixture
def cut_connections_closed(transactional_db):
    """The connections cut in the test are closed before the database is
    flushed and the next test runs."""
    yield
    _reconnect_chat_threads()
    connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a database server to lose")
async def test_a_post_while_the_database_is_down_is_unavailable_not_an_error(
    room, cut_connections_closed
):
    socket, _ = await join(room.filer, room.ticket)
    port = connection.settings_dict["PORT"]
    await _point_database_at(closed_port())
    try:
        await socket.send_json_to({"type": "post", "body": "系统卡住了", "client_id": "c-1"})
        refusal = await next_frame(socket, "error")
    finally:
        connection.settings_dict["PORT"] = port
    assert refusal["error"] == "unavailable"
    assert refusal["client_id"] == "c-1"
    assert refusal["retry_after"] > 0
    # Sent again once the database is back (as chat.js does after
    # retry_after), the line is stored once.
    await database_sync_to_async(_reconnect_chat_threads)()
    await socket.send_json_to({"type": "post", "body": "系统卡住了", "client_id": "c-1"})
    assert (await next_frame(socket, "ack"))["client_id"] == "c-1"
    count = database_sync_to_async(ChatMessage.objects.filter(ticket=room.ticket).count)
    assert await count() == 1
    await socket.disconnect()


async def test_losing_access_mid_conversation_closes_the_socket(room):
    socket, _ = await join(room.operator, room.ticket)
    await database_sync_to_async(
        lambda: room.operator.user_permissions.remove(
            *Permission.objects.filter(content_type__app_label="helpdesk")
        )
    )()
    await socket.send_json_to({"type": "resume", "after_id": 0})
    error = await next_frame(socket, "error")
    assert error["error"] == "no_access"
    assert (await socket.receive_output(timeout=TIMEOUT))["type"] == "websocket.close"


async def test_logging_out_elsewhere_stops_posting(room):
    socket, _ = await join(room.filer, room.ticket)
    from django.contrib.sessions.models import Session

    keys = await database_sync_to_async(list)(Session.objects.values_list("session_key", flat=True))
    for key in keys:
        await database_sync_to_async(log_out)(key)
    await socket.send_json_to({"type": "post", "body": "还能发吗"})
    assert (await next_frame(socket, "error"))["error"] == "no_access"
    assert await database_sync_to_async(ChatMessage.objects.count)() == 0


async def test_logging_out_elsewhere_between_two_lines_stops_the_second(room):
    socket, _ = await join(room.filer, room.ticket)
    await socket.send_json_to({"type": "post", "body": "第一句"})
    await next_frame(socket, "ack")
    from django.contrib.sessions.models import Session

    keys = await database_sync_to_async(list)(Session.objects.values_list("session_key", flat=True))
    for key in keys:
        await database_sync_to_async(log_out)(key)
    await socket.send_json_to({"type": "post", "body": "第二句"})
    assert (await next_frame(socket, "error"))["error"] == "no_access"
    assert await database_sync_to_async(ChatMessage.objects.count)() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"department": None},
        {"password": "changed-elsewhere"},
    ],
    ids=["deactivated", "moved out of the ticket's department", "password changed"],
)
async def test_an_account_changed_between_two_lines_is_read_again(room, change):
    socket, _ = await join(room.filer, room.ticket)
    await socket.send_json_to({"type": "post", "body": "第一句"})
    await next_frame(socket, "ack")
    await database_sync_to_async(
        lambda: type(room.filer).objects.filter(pk=room.filer.pk).update(**change)
    )()
    await socket.send_json_to({"type": "post", "body": "第二句"})
    assert (await next_frame(socket, "error"))["error"] in {"no_access", "forbidden"}
    assert await database_sync_to_async(ChatMessage.objects.count)() == 1


@pytest.mark.parametrize("after", ["REAUTHORIZE_SECONDS", "REREAD_ACCOUNT_SECONDS"])
async def test_an_operator_whose_queue_was_taken_away_cannot_post_the_next_line(
    room, monkeypatch, after
):
    # Permissions are not in the one-query check of the account: an operator
    # is read again once either bound has passed.
    from helpdesk_site.chat.consumers import TicketChatConsumer

    socket, _ = await join(room.operator, room.ticket)
    await socket.send_json_to({"type": "post", "body": "第一句"})
    await next_frame(socket, "ack")
    monkeypatch.setattr(TicketChatConsumer, after, 0)
    await database_sync_to_async(
        lambda: room.operator.user_permissions.remove(
            *Permission.objects.filter(content_type__app_label="helpdesk")
        )
    )()
    await socket.send_json_to({"type": "post", "body": "第二句"})
    assert (await next_frame(socket, "error"))["error"] in {"no_access", "forbidden"}
    assert await database_sync_to_async(ChatMessage.objects.count)() == 1


# --- presence, typing, receipts -----------------------------------------------


async def test_presence_typing_and_read_receipts(room):
    clerk, hello = await join(room.filer, room.ticket)
    assert [u["id"] for u in hello["presence"]] == [room.filer.pk]
    operator, _ = await join(room.operator, room.ticket)

    presence = await next_frame(clerk, "presence")
    assert {u["id"] for u in presence["users"]} == {room.filer.pk, room.operator.pk}
    presence = await next_frame(operator, "presence")
    assert {u["id"] for u in presence["users"]} == {room.filer.pk, room.operator.pk}

    await operator.send_json_to({"type": "typing"})
    typing = await next_frame(clerk, "typing")
    assert typing["user"]["id"] == room.operator.pk

    await clerk.send_json_to({"type": "post", "body": "在吗"})
    message_id = (await next_frame(clerk, "ack"))["message"]["id"]
    await operator.send_json_to({"type": "read", "up_to": message_id})
    assert (await next_frame(operator, "read_ok"))["up_to"] == message_id
    while True:
        frame = await clerk.receive_json_from(timeout=TIMEOUT)
        if frame["type"] == "read":
            break
    assert frame["user"]["id"] == room.operator.pk
    assert frame["up_to"] == message_id

    await operator.disconnect()
    while True:
        frame = await clerk.receive_json_from(timeout=TIMEOUT)
        if frame["type"] == "presence":
            break
    assert [u["id"] for u in frame["users"]] == [room.filer.pk]
    await clerk.disconnect()


# --- the operator console -------------------------------------------------------


async def test_the_console_pushes_new_tickets_and_messages_to_operators_in_scope(room):
    console = await open_socket(room.operator, "/ws/console/")
    assert console.connected
    assert (await console.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    other_console = await open_socket(room.outsiders["operator of other queues"], "/ws/console/")
    await other_console.receive_json_from(timeout=TIMEOUT)

    ticket = await database_sync_to_async(file_ticket)(room.filer, title="电子证照打印失败")
    frame = await console.receive_json_from(timeout=TIMEOUT)
    assert frame == {"type": "ticket", "ticket": frame["ticket"]}
    assert frame["ticket"]["id"] == ticket.pk

    await database_sync_to_async(services.post_message)(room.filer, ticket, "急")
    frame = await console.receive_json_from(timeout=TIMEOUT)
    assert frame["type"] == "message"
    assert frame["ticket"]["id"] == ticket.pk
    assert frame["unread"] == 1

    assert await other_console.receive_nothing(timeout=0.5)
    await console.disconnect()
    await other_console.disconnect()


async def test_reporters_have_no_console(room):
    console = await open_socket(room.filer, "/ws/console/")
    assert not console.connected


async def test_the_console_refuses_frames_it_does_not_know(room):
    console = await open_socket(room.operator, "/ws/console/")
    await console.receive_json_from(timeout=TIMEOUT)
    await console.send_to(text_data='{"type": "post", "body": "x"}')
    assert (await console.receive_json_from(timeout=TIMEOUT))["error"] == "unknown_type"
    await console.disconnect()


async def test_sla_notices_can_be_pushed_to_the_console(room):
    console = await open_socket(room.operator, "/ws/console/")
    await console.receive_json_from(timeout=TIMEOUT)
    await database_sync_to_async(services.push_to_consoles)(
        room.ticket, "sla_warning", {"message": "响应时限还剩 10 分钟"}
    )
    frame = await console.receive_json_from(timeout=TIMEOUT)
    assert frame["type"] == "notice"
    assert frame["kind"] == "sla_warning"
    assert frame["message"] == "响应时限还剩 10 分钟"
    await console.disconnect()


async def test_many_tickets_notices_reach_each_console_in_one_frame(room):
    console = await open_socket(room.operator, "/ws/console/")
    await console.receive_json_from(timeout=TIMEOUT)
    await database_sync_to_async(services.push_to_each_console)(
        "escalation", {room.ticket.pk: "已用去 80% 的处理时限"}
    )
    frame = await console.receive_json_from(timeout=TIMEOUT)
    assert frame["type"] == "notices" and frame["kind"] == "escalation"
    assert frame["notices"] == [
        {"ticket": frame["notices"][0]["ticket"], "message": "已用去 80% 的处理时限"}
    ]
    assert frame["notices"][0]["ticket"]["id"] == room.ticket.pk
    assert await console.receive_nothing(timeout=0.5)
    await console.disconnect()


async def test_gather_is_not_needed_for_independent_rooms(room):
    """Two rooms at once, in parallel, each sees only its own."""
    other = await database_sync_to_async(file_ticket)(room.filer, title="二号")
    (a, _), (b, _) = await asyncio.gather(join(room.filer, room.ticket), join(room.filer, other))
    await a.send_json_to({"type": "post", "body": "甲"})
    await next_frame(a, "ack")
    assert await b.receive_nothing(timeout=0.5)
    await a.disconnect()
    await b.disconnect()
