"""A clerk has the notices page open on a phone when the operator answers:
the count on the menu button and the list change without a reload; marking
one read, and opening one, take them where they expect.

Runs in its own pytest process (`make e2e`) with Debian's Chromium, through
daphne and Redis (the live count arrives over /ws/notices/).
"""

import os
import threading

import pytest
from django.db import connection
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.notices.models import Notice
from helpdesk_site.tickets.models import Subsystem
from tests.daphne import running_daphne, served_static
from tests.factories import PASSWORD, DepartmentFactory, OperatorFactory, UserFactory, file_ticket
from tests.factories import region as region_of
from tests.test_e2e_layout import TOO_SMALL, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIT_MS = 20_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _fast_passwords():
    """The browser logs in through the form against daphne, which checks
    passwords with the site's real hashers: keep them."""


@pytest.fixture
def office():
    clerk = UserFactory(
        department=DepartmentFactory(name="炉城街道便民服务中心", region=region_of("513301001")),
        last_name="卓",
        first_name="玛",
    )
    engineer = OperatorFactory(
        subsystems=Subsystem.objects.filter(code="e_license"), last_name="王", first_name="运维"
    )
    return clerk, engineer, file_ticket(clerk)


@pytest.fixture
def daphne(office, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("the live count needs Redis shared with daphne: set REDIS_URL")
    env = {
        "REDIS_URL": os.environ["REDIS_URL"],
        "SECRET_KEY": "e2e-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
    }
    served_static(tmp_path, env)
    with running_daphne(tmp_path, env) as base:
        yield base


def as_the_operator(change, *args, **kwargs):
    """The operator's change, made through helpdesk's service as its staff page
    does; in a thread of its own, outside the browser driver's event loop, so
    the live push leaves as it would from a request."""
    failures = []

    def run():
        try:
            change(*args, **kwargs)
        except Exception as error:  # reported to the test below
            failures.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert not failures, failures


def unread_on_menu(page) -> str:
    badge = page.locator(".navbar-toggler [data-notices-unread]")
    return "" if badge.is_hidden() else badge.inner_text()


def test_the_count_and_the_list_follow_the_operator_live(office, daphne, browser):
    clerk, engineer, ticket = office
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{daphne}/accounts/login/?next=/notices/")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_url(f"{daphne}/notices/")
    page.wait_for_selector('[data-notices-socket][data-notices-state="live"]', state="attached")
    assert page.get_by_text("没有通知。").is_visible()
    assert unread_on_menu(page) == ""
    # Whatever changes from here on changes on this very page, not by a reload.
    page.evaluate("() => { window.notReloaded = true; }")

    as_the_operator(
        update_ticket, engineer, ticket, comment="请在证照目录中发布模板后重新制作。", public=True
    )
    page.locator(".notice-unread", has_text="请在证照目录中发布模板").wait_for()
    page.wait_for_function(
        "() => document.querySelector('.navbar-toggler [data-notices-unread]').textContent === '1'"
    )
    assert page.locator("#notices-live").inner_text().startswith("新通知")
    assert page.evaluate("() => window.notReloaded === true")
    # An internal note tells the clerk nothing.
    as_the_operator(update_ticket, engineer, ticket, comment="内部：模板库权限问题", public=False)

    # Marking it read: the count goes, the notice stays, marked read.
    page.get_by_role("button", name="标为已读", exact=True).click()
    page.locator(".notice", has_text="请在证照目录中发布模板").get_by_text("已读").wait_for()
    assert unread_on_menu(page) == ""
    assert page.locator(".notice-unread").count() == 0

    page.evaluate("() => { window.notReloaded = true; }")
    page.wait_for_selector('[data-notices-socket][data-notices-state="live"]', state="attached")
    as_the_operator(
        update_ticket,
        engineer,
        ticket,
        comment="模板已发布，问题已解决。",
        public=True,
        new_status=Ticket.RESOLVED_STATUS,
    )
    rate = page.locator(".notice-unread", has_text="请对处理结果进行评价")
    rate.wait_for()
    as_the_operator(
        update_ticket, engineer, ticket, comment="如再遇到问题，请随时联系。", public=True
    )
    page.locator(".notice-unread", has_text="请随时联系").wait_for()
    page.wait_for_function(
        "() => document.querySelector('.navbar-toggler [data-notices-unread]').textContent === '2'"
    )
    assert page.evaluate("() => window.notReloaded === true")
    assert "内部" not in page.locator("#notices-page").inner_text()
    assert not page.evaluate(TOO_SMALL, "main .btn, main .notice-open, .navbar-toggler")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "notices-phone-live")

    # Opening a notice marks it read and lands on the ticket's rating.
    rate.locator(".notice-open").click()
    page.wait_for_url(f"{daphne}/tickets/{ticket.pk}/#rating")
    page.get_by_role("button", name="提交评价").wait_for()
    assert unread_on_menu(page) == "1"

    # The rest, for this ticket, at once.
    page.goto(f"{daphne}/notices/")
    page.get_by_role("button", name="本工单全部标为已读").click()
    page.wait_for_url(f"{daphne}/notices/")
    assert page.locator(".notice-unread").count() == 0
    assert unread_on_menu(page) == ""
    connection.close()
    assert not Notice.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    context.close()
