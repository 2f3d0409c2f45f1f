"""An operator's way to training and to their assessment in Chromium: on a
laptop (1366×768) the top bar's one row of entries has both; on a phone
(390×844) the folded menu has training."""

import pytest

from helpdesk_site.tickets.models import Subsystem
from tests.factories import PASSWORD, OperatorFactory, region
from tests.test_e2e_layout import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAV_ROWS = """() => new Set(Array.from(document.querySelectorAll('.navbar-nav .nav-link'))
  .filter(e => e.offsetParent !== null)
  .map(e => Math.round(e.getBoundingClientRect().height))).size === 1
  && Array.from(document.querySelectorAll('.navbar-nav .nav-link'))
  .filter(e => e.offsetParent !== null)
  .every(e => e.getBoundingClientRect().height < 50)"""


def fits(page, what):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)


@pytest.fixture
def operator(transactional_db):
    region("513300")
    return OperatorFactory(
        subsystems=Subsystem.objects.all(), last_name="王", first_name="运维", username="op_wang"
    )


def logged_in(browser, live_server, operator, viewport):
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/tickets/")
    return page


def test_on_a_laptop_the_top_bar_leads_an_operator_to_training(browser, live_server, operator):
    page = logged_in(browser, live_server, operator, {"width": 1366, "height": 768})
    screenshot(page, "laptop-operator-tickets")
    # One row of menu labels, none broken over two lines.
    assert page.evaluate(NAV_ROWS)
    for name, heading in (("培训", "培训"), ("驻场考核", "驻场考核")):
        page.goto(f"{live_server.url}/tickets/")
        page.locator(".navbar-nav").get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state()
        assert heading in page.inner_text("main h1"), (name, page.url)
        fits(page, name)
    screenshot(page, "laptop-operator-residency")


def test_on_a_phone_the_menu_has_training(browser, live_server, operator):
    page = logged_in(browser, live_server, operator, {"width": 390, "height": 844})
    page.get_by_role("button", name="菜单").click()
    training = page.locator(".navbar-nav a[href='/training/']")
    training.wait_for(state="visible")
    screenshot(page, "phone-operator-menu")
    training.click()
    page.wait_for_load_state()
    fits(page, "training")
