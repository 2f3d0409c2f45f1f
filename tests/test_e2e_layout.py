"""The site's own pages on a phone (390×844) and a laptop (1366×768): no
sideways scroll, and on the phone the menu folds behind a button that opens
it; every page a reporter and a supervisor use fits a phone, with touch
targets of at least 44 px. Screenshots go to test-artifacts/ (not committed)
for a person to look at.

Runs in its own pytest process (`make e2e`) with Debian's Chromium.
"""

from pathlib import Path

import pytest
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.chat import services as chat
from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, file_ticket, region
from tests.kb.factories import operator as faq_writer
from tests.kb.factories import published_faq
from tests.tickets.test_e2e_filing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/tickets/", "/tickets/new/", "/kb/", "/notices/"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE = {"width": 390, "height": 844}
# The main controls a thumb has to hit: buttons, page links, fields, and the
# notices that lead to their ticket.
TARGETS = (
    "main .btn, .navbar-toggler, main .page-link, .language-switch .btn,"
    " main .form-control, main .form-select, main .notice-open"
)
TOO_SMALL = """
selector => Array.from(document.querySelectorAll(selector))
  .filter(e => e.offsetParent !== null)
  .map(e => [e.textContent.trim().slice(0, 20) || e.className, e.getBoundingClientRect()])
  .filter(([name, box]) => box.height < 44 || box.width < 44)
  .map(([name, box]) => `${name}: ${Math.round(box.width)}×${Math.round(box.height)}`)
"""


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


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


@pytest.fixture
def desk():
    """A clerk's resolved ticket with a conversation, an FAQ, a supervisor (made
    before the browser starts its event loop: posting publishes to the chat)."""
    township = region("513301001")
    clerk = UserFactory(department=DepartmentFactory(name="炉城街道便民服务中心", region=township))
    supervisor = UserFactory(role=Role.SUPERVISOR, supervised_region=region("513301"))
    engineer = OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license"))
    ticket = file_ticket(clerk)
    chat.post_message(clerk, ticket, "证照打印出来是空白的，麻烦看一下")
    update_ticket(engineer, ticket, comment="请在证照目录中发布模板后重新制作。", public=True)
    chat.post_message(engineer, ticket, "模板已发布，请再试一次")
    update_ticket(
        engineer,
        ticket,
        comment="模板未发布，已发布。",
        public=True,
        new_status=Ticket.RESOLVED_STATUS,
    )
    faq = published_faq(
        faq_writer(), "电子证照制作失败，提示模板未发布怎么办？", "在证照目录中发布模板。"
    )
    return clerk, supervisor, ticket, faq


def test_every_page_of_a_reporter_and_a_supervisor_fits_a_phone(desk, browser, live_server):
    clerk, supervisor, ticket, faq = desk
    pages = {
        clerk: [
            "/tickets/new/",
            f"/tickets/{ticket.pk}/",
            "/tickets/",
            "/notices/",
            "/kb/",
            f"/kb/{faq.pk}/",
        ],
        supervisor: [
            "/reports/",
            "/tickets/",
            f"/tickets/{ticket.pk}/",
            "/satisfaction/follow-ups/",
            "/notices/",
            "/kb/",
        ],
    }
    problems = []
    for user, paths in pages.items():
        page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        log_in(page, live_server.url, user)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            name = f"phone-{user.role}-{path.strip('/').replace('/', '-') or 'home'}"
            screenshot(page, name)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 0:
                problems.append(f"{path} ({user.role}): {overflow} px wider than the screen")
            small = page.evaluate(TOO_SMALL, TARGETS)
            if small:
                problems.append(f"{path} ({user.role}): small targets {small}")
            if user == clerk and path == "/notices/":
                # Measured above, so they must be there: mark read, this ticket's, all.
                assert page.locator("main .notices-button").count() >= 3
                assert page.locator("main .notice-open").count() >= 2
        page.get_by_role("button", name="菜单").click()
        page.get_by_role("link", name="知识库", exact=True).wait_for(state="visible")
        small = page.evaluate(TOO_SMALL, ".navbar-nav .nav-link")
        if small:
            problems.append(f"menu ({user.role}): small targets {small}")
        screenshot(page, f"phone-{user.role}-menu")
        page.context.close()
    assert not problems, "\n".join(problems)
