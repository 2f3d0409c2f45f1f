"""The site's own pages on a phone (390×844) and a laptop (1366×768): no
sideways scroll, and on the phone the menu folds behind a button that opens it.

Runs in its own pytest process (`make e2e`) with Debian's Chromium.
"""

import pytest

from tests.factories import DepartmentFactory, UserFactory, file_ticket, region
from tests.tickets.test_e2e_filing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/tickets/", "/tickets/new/", "/kb/", "/sla/notifications/"]


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_pages_fit_the_screen_and_the_menu_opens(browser, live_server, width, height):
    clerk = UserFactory(department=DepartmentFactory(region=region("513301001")))
    ticket = file_ticket(clerk)
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(page, live_server.url, clerk)
    for path in [*PAGES, f"/tickets/{ticket.pk}/"]:
        page.goto(live_server.url + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    menu_link = page.get_by_role("link", name="知识库")
    if width < 992:
        assert not menu_link.is_visible()
        page.get_by_role("button", name="菜单").click()
    menu_link.wait_for(state="visible")
