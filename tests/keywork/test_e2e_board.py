"""The county board and an item page in Chromium on a phone (390×844) and a
laptop (1366×768), with the demo's key work: no sideways scroll, no English,
the late county and item highlighted. Screenshots go to test-artifacts/."""

import datetime as dt
import re

import pytest

from helpdesk_site.tickets.seeding import DEMO_PASSWORD, ensure_accounts, ensure_departments
from keywork import demo
from keywork.models import Item, Status
from tests.test_e2e_layout import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_and_chinese(page, what, allowed=frozenset()):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    words = set(re.findall(r"[A-Za-z]{2,}", page.inner_text("main"))) - set(allowed)
    assert not words, (what, words)


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_prefecture_supervisor_reads_the_county_board(browser, live_server, width, height):
    accounts = ensure_accounts(ensure_departments())
    demo.seed(accounts, dt.datetime.now(dt.UTC))
    late = Item.objects.get(status=Status.LATE)
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "gz_supervisor")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/keywork/")
    assert page.locator("[data-county]").count() == 19
    assert page.locator(f'[data-county="{late.region_id}"][data-late]').count() == 1
    assert page.locator(f'[data-item="{late.pk}"][data-late]').count() == 1
    fits_and_chinese(page, "board", {"MB"})
    screenshot(page, f"keywork-board-{width}x{height}")

    page.click(f'[data-county="{late.region_id}"]')
    page.wait_for_selector(f'[data-item="{late.pk}"]')
    page.click(f'[data-item="{late.pk}"]')
    page.wait_for_selector("[data-timeline]")
    assert page.locator("[data-milestone].list-group-item-danger").count() == 1
    fits_and_chinese(page, "item", {"MB", "KB", "docx", "PDF", "Word", "Excel"})
    screenshot(page, f"keywork-item-{width}x{height}")
