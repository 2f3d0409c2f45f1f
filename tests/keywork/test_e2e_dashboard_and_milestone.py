"""The supervisors' dashboard with the key-work and indicator cards, and a
milestone's edit page, in Chromium on a phone (390×844) and a laptop
(1366×768) with the demo's data: no sideways scroll, no English.
Screenshots go to test-artifacts/."""

import datetime as dt

import pytest

from helpdesk_site.tickets import services as ticket_services
from helpdesk_site.tickets.seeding import DEMO_PASSWORD, ensure_accounts, ensure_departments
from indicators import demo as indicator_demo
from keywork import demo
from keywork.models import Item, Status
from tests.keywork.test_e2e_board import fits_and_chinese
from tests.test_e2e_layout import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_cards_and_the_milestone_form(browser, live_server, width, height):
    accounts = ensure_accounts(ensure_departments())
    ticket_services.ensure_subsystems()
    now = dt.datetime.now(dt.UTC)
    demo.seed(accounts, now)
    indicator_demo.seed(accounts, now)
    late = Item.objects.filter(status=Status.LATE, milestones__done_at__isnull=True).first()
    milestone = late.milestones.filter(done_at__isnull=True).first()
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "gz_supervisor")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/reports/?kind=year")
    page.wait_for_selector("[data-keywork-card]")
    assert page.locator("[data-indicators-card] [data-county]").count() >= 1
    card = page.locator("[data-keywork-card]")
    card.scroll_into_view_if_needed()
    fits_and_chinese(page, "dashboard", {"SLA", "P50", "P90", "MB", "Word", "Excel", "APP", "FAQ"})
    screenshot(page, f"dashboard-cards-{width}x{height}")
    page.locator("[data-keywork-card]").screenshot(
        path=f"test-artifacts/keywork-card-{width}x{height}.png"
    )
    page.locator("[data-indicators-card]").screenshot(
        path=f"test-artifacts/indicators-card-{width}x{height}.png"
    )

    page.goto(f"{live_server.url}/keywork/{late.pk}/milestones/{milestone.pk}/edit/")
    page.fill("#id_title", "")
    page.click("[data-action=save]")
    page.wait_for_selector("[data-error]")
    fits_and_chinese(page, "milestone form")
    screenshot(page, f"keywork-milestone-edit-{width}x{height}")
