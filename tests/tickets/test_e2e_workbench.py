"""The operator's whole journey in a real browser (Debian's Chromium through
daphne and Redis): open the queue, pick the most urgent ticket, take it,
chat, pause while waiting (helpdesk's 操作 → 暂停, with a reason), resume,
reply, resolve in helpdesk's reply form with the root cause; the
fault-handling log shows each step, with the cause."""

import os
import subprocess
import sys

import pytest
from helpdesk.models import Ticket

from sla.models import HandlingLogEntry, LogKind
from tests.daphne import ROOT, running_daphne, shared_database_url
from tests.factories import PASSWORD, OperatorFactory, UserFactory, file_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIT_MS = 20_000
ARTIFACTS = ROOT / "test-artifacts"


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workbench-{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _fast_passwords():
    """The browser logs in through the form against daphne, which checks
    passwords with the site's real hashers: keep them."""


@pytest.fixture
def daphne(tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("the journey chats: it needs Redis (REDIS_URL)")
    env = {
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


def test_an_operator_works_the_most_urgent_ticket_from_queue_to_resolution(daphne, browser):
    reporter = UserFactory(last_name="泽仁", first_name="卓玛")
    operator = OperatorFactory(last_name="王", first_name="运维")
    file_ticket(reporter, priority=4, title="分站点新闻栏目排版错乱")
    urgent = file_ticket(reporter, priority=1, title="电子证照全部无法制作")
    file_ticket(reporter, priority=3, title="事项认领按钮无反应")

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(daphne + "/accounts/login/?next=/helpdesk/tickets/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url(daphne + "/helpdesk/tickets/")

    # The queue puts the priority-1 fault first: its first response is due soonest.
    first = page.locator("#work-queue tbody tr").first
    assert first.get_attribute("data-ticket") == str(urgent.pk)
    assert "剩余" in first.inner_text() and "（工作时间）" in first.inner_text()
    first.get_by_role("link", name="电子证照全部无法制作").click()
    page.wait_for_url(f"{daphne}/helpdesk/tickets/{urgent.pk}/")

    page.click("#take-ticket")
    page.locator("#workbench .card-header", has_text="王运维").wait_for()

    page.wait_for_selector('#chat-status[data-state="live"]')
    page.fill("#chat-input", "您好，请问是所有证照类型都无法制作吗？")
    page.click("#chat-send")
    page.locator("#chat-messages .chat-body", has_text="所有证照类型").wait_for()

    # helpdesk's own 操作 → 暂停 asks what the ticket waits for.
    page.get_by_role("button", name="操作").click()
    page.click("#hold-action")
    dialog = page.locator("#hold-dialog")
    dialog.wait_for()
    dialog.locator("select[name=waiting_for]").select_option("reporter")
    dialog.locator("input[name=note]").fill("等待提供报错截图")
    shoot(page, "hold-dialog-1366")
    page.click("#hold-confirm")
    page.locator(".sla-state", has_text="等待提供报错截图").first.wait_for()

    page.click("#hold button")  # 恢复计时
    page.locator('.sla-state[data-risk="paused"]').first.wait_for(state="detached")

    page.click("#respond-tab")
    page.fill("#commentBox", "已收到截图，正在排查证照模板服务。")
    page.click("#ticket-respond-form button[type=submit]")
    page.locator("#followup-tab-pane", has_text="正在排查证照模板服务").wait_for()

    # Resolving in helpdesk's own reply form asks for the root cause and fix.
    page.click("#respond-tab")
    assert page.locator("#respond-root-cause").is_hidden()
    page.check(f"#ticket-respond-form input[name=new_status][value='{Ticket.RESOLVED_STATUS}']")
    page.locator("#respond-root-cause").wait_for()
    page.fill("#commentBox", "已修复，请重新制作证照。")
    page.fill("#respond-root-cause-text", "证照模板服务缓存损坏")
    page.fill("#respond-fix-text", "清理缓存并重启模板服务，重新制作证照")
    shoot(page, "respond-root-cause-1366")
    page.click("#ticket-respond-form button[type=submit]")
    log = page.locator("#handling-log")
    log.locator("li", has_text="证照模板服务缓存损坏").wait_for()

    assert Ticket.objects.get(pk=urgent.pk).status == Ticket.RESOLVED_STATUS
    kinds = list(HandlingLogEntry.objects.filter(ticket=urgent).values_list("kind", flat=True))
    # The operator's chat message reaches the reporter: it is the first response.
    assert kinds == [
        LogKind.FILED,
        LogKind.FIRST_RESPONSE,
        LogKind.PAUSED,
        LogKind.RESUMED,
        LogKind.ROOT_CAUSE,
        LogKind.RESOLVED,
    ]
    text = log.inner_text()
    assert "等待提供报错截图" in text and "清理缓存并重启模板服务" in text
    assert "王运维" in text


def login(browser, base, user, width, height, next_path):
    page = browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": height}
    ).new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url(base + next_path)
    return page


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_pause_dialog_the_reply_form_and_team_leads_fit_the_screen(
    daphne, browser, width, height
):
    reporter = UserFactory(last_name="泽仁", first_name="卓玛")
    operator = OperatorFactory(last_name="王", first_name="运维")
    ticket = file_ticket(reporter, priority=2, title="电子印章无法认领")
    page = login(browser, daphne, operator, width, height, f"/helpdesk/tickets/{ticket.pk}/")
    page.get_by_role("button", name="操作").click()
    page.click("#hold-action")
    dialog = page.locator("#hold-dialog .modal-content")
    dialog.wait_for()
    assert dialog.bounding_box()["width"] <= width
    shoot(page, f"hold-dialog-{width}")
    page.click("#hold-dialog .btn-close")
    dialog.wait_for(state="hidden")
    page.click("#respond-tab")
    page.check(f"#ticket-respond-form input[name=new_status][value='{Ticket.CLOSED_STATUS}']")
    fields = page.locator("#respond-root-cause")
    fields.wait_for()
    assert fields.bounding_box()["width"] <= width
    shoot(page, f"respond-root-cause-{width}")
    page.goto(f"{daphne}/helpdesk/tickets/{ticket.pk}/hold/")
    assert sideways(page) <= 0
    shoot(page, f"hold-page-{width}")

    admin = UserFactory(role="admin", last_name="系统", first_name="管理员")
    page = login(browser, daphne, admin, width, height, "/accounts/users/")
    page.locator("#team-leads").wait_for()
    page.locator("form[data-subsystem='e_seal'] select").select_option(str(operator.pk))
    page.locator("form[data-subsystem='e_seal'] button").click()
    page.get_by_text("王运维 现为 电子印章管理系统 的运维组长").wait_for()
    assert sideways(page) <= 0
    shoot(page, f"team-leads-{width}")
