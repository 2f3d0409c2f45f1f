"""A reporter and an operator chat in two real browsers (Debian's Chromium,
driven by Playwright) through daphne and Redis; the reporter drops off the
network, comes back, and sees what was said meanwhile, once each."""

import os
import shutil
import subprocess
import sys
import time

import pytest
from django.db import connection
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.chat.models import ChatMessage
from tests.chat.test_degraded import PrivateRedis
from tests.daphne import ROOT, running_daphne, shared_database_url
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIT_MS = 20_000
BLOCKED_WEBSOCKETS = """
window.WebSocket = class {
  constructor() {
    this.readyState = 3;
    setTimeout(() => { if (this.onclose) { this.onclose({code: 1006}); } }, 10);
  }
  send() { throw new Error("not open"); }
  close() {}
};
window.WebSocket.OPEN = 1;
"""


@pytest.fixture(autouse=True)
def _fast_passwords():
    """The browsers log in through the form against daphne, which checks
    passwords with the site's real hashers: keep them."""


@pytest.fixture
def redis_url():
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if shutil.which("redis-server") is None:
        pytest.skip("the browser test needs Redis: set REDIS_URL or install redis-server")
    redis = PrivateRedis()
    redis.start()
    yield redis.url
    redis.stop()


@pytest.fixture
def daphne(room, redis_url, tmp_path, settings):
    """daphne on a free port, on the test database and Redis; its static files
    collected into a folder of its own, as `make run` does."""
    env = {
        "REDIS_URL": redis_url,
        "SECRET_KEY": "e2e-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
    }
    collect = {**os.environ, "DATABASE_URL": shared_database_url(), **env}
    collect["VAR_DIR"] = str(tmp_path / "var")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=collect,
        check=True,
    )
    with running_daphne(tmp_path, env) as base:
        yield base


def open_chat(browser, base, user, path):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(base + "/accounts/login/?next=" + path)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url(base + path)
    page.wait_for_selector('#chat-status[data-state="live"]')
    return context, page


def send(page, text):
    page.fill("#chat-input", text)
    page.click("#chat-send")


def bodies(page):
    return page.locator("#chat-messages .chat-body").all_inner_texts()


def test_two_people_chat_and_one_catches_up_after_going_offline(daphne, room, browser):
    ticket = room.ticket.pk
    reporter_context, reporter = open_chat(browser, daphne, room.filer, f"/tickets/{ticket}/")
    # The operator works from django-helpdesk's own ticket page.
    operator_context, operator = open_chat(
        browser, daphne, room.operator, f"/helpdesk/tickets/{ticket}/"
    )

    # Both are on the page, and each sees the other there.
    operator_name = room.operator.get_full_name() or room.operator.username
    reporter.wait_for_function(
        "name => document.getElementById('chat-presence').textContent.includes(name)",
        arg=operator_name,
    )

    send(reporter, "电子证照打印出来是**空白**的")
    operator.locator("#chat-messages strong", has_text="空白").wait_for()
    send(operator, "收到，请问是哪一类证照？")
    reporter.locator("#chat-messages .chat-body", has_text="哪一类证照").wait_for()
    # The operator had the page open: the reporter's message shows as read.
    reporter.locator(".chat-mine .chat-receipt", has_text="✓").first.wait_for()

    reporter_context.set_offline(True)
    reporter.wait_for_selector('#chat-status[data-state="offline"]')
    send(operator, "麻烦提供证照编号")
    send(operator, "以及出错的截图")
    operator.locator("#chat-messages .chat-body", has_text="截图").wait_for()
    assert not any("证照编号" in text for text in bodies(reporter))

    reporter_context.set_offline(False)
    reporter.locator("#chat-messages .chat-body", has_text="截图").wait_for()
    reporter.wait_for_selector('#chat-status[data-state="live"]')

    stored = list(ChatMessage.objects.filter(ticket_id=ticket).values_list("body", flat=True))
    # Under Playwright's event loop Django keeps a connection for this context.
    connection.close()
    assert stored == [
        "电子证照打印出来是**空白**的",
        "收到，请问是哪一类证照？",
        "麻烦提供证照编号",
        "以及出错的截图",
    ]
    # Everything once, in order, on both pages.
    for page in (reporter, operator):
        ids = page.locator("#chat-messages li[data-id]").evaluate_all(
            "els => els.map(e => +e.dataset.id)"
        )
        assert ids == sorted(set(ids))
        assert len(ids) == len(stored)
    # And after coming back the reporter can still talk.
    send(reporter, "编号是 5133012026000123")
    operator.locator("#chat-messages .chat-body", has_text="5133012026000123").wait_for()

    reporter_context.close()
    operator_context.close()


def test_with_websockets_blocked_the_panel_talks_over_http(daphne, room, browser):
    ticket = room.ticket.pk
    operator_context, operator = open_chat(browser, daphne, room.operator, f"/tickets/{ticket}/")
    # For the reporter only, every websocket fails the way it does behind a
    # proxy that refuses the upgrade: closed (1006) before it ever opens.
    reporter_context = browser.new_context(locale="zh-CN")
    reporter_context.add_init_script(BLOCKED_WEBSOCKETS)
    reporter = reporter_context.new_page()
    reporter.set_default_timeout(WAIT_MS)
    reporter.goto(daphne + f"/accounts/login/?next=/tickets/{ticket}/")
    reporter.fill("#id_username", room.filer.username)
    reporter.fill("#id_password", PASSWORD)
    reporter.click("button.btn-primary")
    reporter.wait_for_selector('#chat-status[data-state="polling"]')
    assert reporter.inner_text("#chat-status") == "未能实时连接，正在定时检查新消息"
    reporter.evaluate("() => { window.notReloaded = true; }")

    send(reporter, "我这里打不开 websocket")
    operator.locator("#chat-messages .chat-body", has_text="打不开").wait_for()
    send(operator, "没关系，这样也能收到")
    reporter.locator("#chat-messages .chat-body", has_text="这样也能收到").wait_for()
    assert bodies(reporter) == ["我这里打不开 websocket", "没关系，这样也能收到"]

    # The operator's public reply and the resolution reach the polling page
    # too, in the one thread, each once; the internal note never does.
    update_ticket(room.operator, room.ticket, comment="内部：代理拦截了升级", public=False)
    update_ticket(room.operator, room.ticket, comment="已调整代理设置，请重试。", public=True)
    update_ticket(
        room.operator,
        room.ticket,
        comment="问题已解决。",
        public=True,
        new_status=Ticket.RESOLVED_STATUS,
    )
    connection.close()
    replies = reporter.locator("#chat-messages .chat-reply-body")
    replies.filter(has_text="问题已解决").wait_for()
    texts = reporter.locator("#chat-messages li").all_inner_texts()
    assert sum("已调整代理设置" in t for t in texts) == 1
    assert sum("问题已解决" in t for t in texts) == 1
    assert not any("代理拦截" in t for t in texts)
    assert texts.index(next(t for t in texts if "这样也能收到" in t)) < texts.index(
        next(t for t in texts if "已调整代理设置" in t)
    )
    assert reporter.evaluate("() => window.notReloaded === true")
    reporter_context.close()
    operator_context.close()


def test_a_line_lost_in_pubsub_still_reaches_the_page(daphne, room, browser):
    """The operator's line is stored but its broadcast is lost; the
    reporter's next line is acknowledged with a higher id. The panel sees the
    gap before its own line, fetches the missing one, and only then counts
    it as read."""
    from helpdesk_site.chat import services
    from helpdesk_site.chat.models import ReadMark

    ticket = room.ticket.pk
    reporter_context, reporter = open_chat(browser, daphne, room.filer, f"/tickets/{ticket}/")
    send(reporter, "打印机没反应")
    reporter.locator(".chat-mine .chat-body", has_text="没反应").wait_for()

    lost = services.post_message(room.operator, room.ticket, "请重启打印服务", publish=False)
    connection.close()
    send(reporter, "还在吗")
    reporter.locator("#chat-messages .chat-body", has_text="请重启打印服务").wait_for()
    ids = reporter.locator("#chat-messages li[data-id]").evaluate_all(
        "els => els.map(e => +e.dataset.id)"
    )
    assert len(ids) == 3 and ids == sorted(ids)
    assert ids[1] == lost.message.pk
    # The reporter's read mark reaches their own last line, the lost one included.
    deadline = time.monotonic() + WAIT_MS / 1000
    marks = ReadMark.objects.filter(ticket_id=ticket, user=room.filer, last_read_id=ids[2])
    while not marks.exists() and time.monotonic() < deadline:
        reporter.wait_for_timeout(100)
    assert marks.exists()
    connection.close()
    reporter_context.close()
