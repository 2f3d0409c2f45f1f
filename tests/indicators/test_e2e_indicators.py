"""The indicator overview and a county page in Chromium on a phone (390×844)
and a laptop (1366×768): the ranking and weak spots fit without sideways
scroll, and nothing on them is English. Screenshots go to test-artifacts/"""

import re

import pytest

from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import services as ticket_services
from indicators import demo, periods, services, sheet
from tests.factories import PASSWORD, supervisor
from tests.indicators.conftest import NOW, figures_for, upload
from tests.test_e2e_layout import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OCTOBER = periods.parse("month-2026-10")


@pytest.fixture
def prefecture_with_figures(transactional_db):
    """A transactional test's flush removes the counties the migration loaded."""
    from indicators import selectors
    from tests.factories import region

    region("513300")
    for code, name in demo_counties():
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": "county", "parent_id": "513300"}
        )
    ticket_services.ensure_subsystems()
    demo.ensure_tree(2026)
    user = supervisor("513300", username="gz_e2e")
    tree = selectors.tree(2026)
    weak = {"513322": {"B1": 41, "B2": 45, "B3": 50}, "513332": {"A1": 50, "A2": 52, "A3": 60}}
    for month, value in ((periods.parse("month-2026-09"), 82), (OCTOBER, 80)):
        content = sheet.build(
            tree, selectors.counties(), month.title, figures_for(tree, value, **weak)
        )
        services.import_sheet(user, month, upload(content), now=NOW)
    return user


def demo_counties():
    from helpdesk_site.regions.codes import SHIPPED_DIVISIONS, read_divisions

    return [(d.code, d.name) for d in read_divisions(SHIPPED_DIVISIONS) if d.level == "county"]


def fits_and_chinese(page, what):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    words = set(re.findall(r"[A-Za-z]{2,}", page.inner_text("main")))
    assert not words, (what, words)


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_overview_fits_a_phone_and_a_laptop(
    browser, live_server, prefecture_with_figures, width, height
):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", prefecture_with_figures.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/indicators/?period={OCTOBER.slug}")
    assert page.locator("[data-ranking] tbody tr").count() == 18
    assert page.locator("[data-county='513322'] [data-heat='2']").count() >= 1
    fits_and_chinese(page, "overview")
    screenshot(page, f"indicators-overview-{width}x{height}")
    page.click("[data-county='513322'] a")
    page.wait_for_selector("[data-weakest]")
    fits_and_chinese(page, "county")
    screenshot(page, f"indicators-county-{width}x{height}")
