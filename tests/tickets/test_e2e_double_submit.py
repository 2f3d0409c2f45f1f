"""A clerk double-clicks 提交 on the filing form in a real browser: the form is
sent once, its button says 提交中… meanwhile, and one ticket is filed.

Runs in its own pytest process (`make e2e`) with Debian's Chromium.
"""

import re
import time

import pytest
from helpdesk.models import Ticket

from tests.factories import DepartmentFactory, UserFactory, region
from tests.tickets.test_e2e_filing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_double_click_on_submit_sends_the_form_once(browser, live_server):
    clerk = UserFactory(department=DepartmentFactory(region=region("513301001")))
    page = browser.new_context().new_page()
    log_in(page, live_server.url, clerk)
    page.goto(f"{live_server.url}/tickets/new/")
    page.select_option("#id_subsystem", label="电子证照管理系统")
    page.select_option("#id_category", value="fault")
    page.fill("#id_title", "电子证照无法制作")
    page.fill("#id_description", "制作营业执照电子证照时页面一直转圈。")

    posts, held, seen = [], [], []

    def hold_the_first_post(route):
        if route.request.method == "POST" and not held:
            # Answered once the button has been seen, so the page is still there.
            held.append(route)
        else:
            route.continue_()

    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.route(re.compile(r".*/tickets/new/$"), hold_the_first_post)
    # Playwright's own reads wait for the held navigation, so the page reports
    # its button itself, once the site's script has had its turn.
    page.expose_function("reportButton", lambda disabled, text: seen.append((disabled, text)))
    page.evaluate(
        """() => document.addEventListener("submit", () => setTimeout(() => setTimeout(() => {
            const button = document.querySelector("main form button[type=submit]");
            window.reportButton(button.disabled, button.textContent);
        })))"""
    )
    page.dblclick("main form button[type=submit]")
    deadline = time.monotonic() + 30
    while not (held and seen) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert seen[0] == (True, "提交中…")
    held[0].continue_()
    page.wait_for_url(re.compile(r".*/tickets/\d+/$"))

    assert len(posts) == 1
    ticket = Ticket.objects.get()
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    assert page.is_visible(f"text=工单 #{ticket.pk} 已提交")
