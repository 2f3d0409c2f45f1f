"""The ledger pages in Chromium on a phone (390×844) and a laptop (1366×768):
a supervisor enters a weak spot, starts and completes it; no page scrolls
sideways and none shows English."""

import re

import pytest

from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ALLOWED_LATIN = {"ZG"}  # the item numbers' prefix


def english(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z]{2,}", text)} - ALLOWED_LATIN


def fits_and_chinese(page, what):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    assert not english(page.inner_text("main")), (what, english(page.inner_text("main")))


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_a_supervisor_works_an_item_on_a_phone_and_a_laptop(
    browser, live_server, week, width, height
):
    DepartmentFactory(name="康定市政务服务中心", region=Region.objects.get(code="513301"))
    boss = UserFactory(
        role=Role.SUPERVISOR,
        department=None,
        supervised_region=Region.objects.get(code="513301"),
        last_name="康",
        first_name="主任",
    )
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", boss.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/rectification/")
    fits_and_chinese(page, "ledger")
    page.goto(
        f"{live_server.url}/rectification/new/"
        "?kind=week&date=2025-11-10&region=513301&dimension=county&key=513301"
    )
    fits_and_chinese(page, "new")
    page.fill("#id_measures", "每周通报超时工单，逐件复盘")
    page.click("main form button.btn-primary")
    page.wait_for_selector("[data-action=start]")
    fits_and_chinese(page, "detail")
    page.click("[data-action=start]")
    page.wait_for_selector("[data-status=in_progress]")
    page.click("[data-action=complete]")  # no note: refused, in Chinese
    page.wait_for_selector("[data-error]")
    fits_and_chinese(page, "refused")
    page.fill("#id_note", "已调整值守排班")
    page.click("[data-action=complete]")
    page.wait_for_selector("[data-status=done]")
    fits_and_chinese(page, "done")
    page.goto(f"{live_server.url}/rectification/proposals/?kind=week&date=2025-11-10")
    fits_and_chinese(page, "proposals")
    page.goto(f"{live_server.url}/rectification/?status=done")
    assert page.locator("[data-item]").count() == 1


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_a_supervisor_extends_then_withdraws_an_item(browser, live_server, week, width, height):
    DepartmentFactory(name="康定市政务服务中心", region=Region.objects.get(code="513301"))
    boss = UserFactory(
        role=Role.SUPERVISOR,
        department=None,
        supervised_region=Region.objects.get(code="513301"),
        last_name="康",
        first_name="主任",
    )
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", boss.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()
    page.goto(
        f"{live_server.url}/rectification/new/"
        "?kind=week&date=2025-11-10&region=513301&dimension=county&key=513301"
    )
    page.fill("#id_measures", "每周通报超时工单，逐件复盘")
    page.click("main form button.btn-primary")
    page.wait_for_selector("[data-action=start]")
    first = page.inner_text("[data-deadline]")[:10]

    page.click("[data-extend] summary")
    page.fill("[data-extend] textarea", "需省级平台升级后验证")
    page.click("[data-action=extend]")
    page.wait_for_selector("[data-original-deadline]")
    assert first in page.inner_text("[data-original-deadline]")
    assert page.inner_text("[data-deadline]")[:10] != first
    assert "需省级平台升级后验证" in page.inner_text("[data-history]")
    fits_and_chinese(page, "extended")
    page.screenshot(path=f"test-artifacts/ledger-item-extended-{width}.png", full_page=True)

    page.click("[data-withdraw] summary")
    page.click("[data-action=withdraw]")  # no reason: refused, in Chinese
    page.wait_for_selector("[data-withdraw] [data-error]")
    fits_and_chinese(page, "withdraw refused")
    page.fill("[data-withdraw] textarea", "与往期事项重复")
    page.click("[data-action=withdraw]")
    page.wait_for_selector("[data-status=withdrawn]")
    assert "与往期事项重复" in page.inner_text("[data-withdrawn]")
    assert page.locator("[data-action]").count() == 0
    fits_and_chinese(page, "withdrawn")
    page.screenshot(path=f"test-artifacts/ledger-item-withdrawn-{width}.png", full_page=True)
