"""In a real browser, with the Content-Security-Policy on: the pages people
use every day report no violation, and what their scripts do still works.

Runs in its own pytest process (`make e2e`) with Debian's Chromium.
"""

import pytest
from django.test import Client
from helpdesk.models import KBCategory, KBItem

from helpdesk_site.people.models import Role
from tests.factories import OperatorFactory, UserFactory, file_ticket, region
from tests.kb.factories import operator as kb_operator
from tests.kb.factories import published_faq

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIT_MS = 15_000
# Every violation the page reports, also those from scripts that run later.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${where})`
  );
});
"""


class Session:
    def __init__(self, browser, base, user):
        client = Client()
        client.force_login(user)
        self.base = base
        self.context = browser.new_context(locale="zh-CN")
        self.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
        )
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.console = []
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.page.on(
            "console",
            lambda message: self.console.append(message.text)
            if "Content Security Policy" in message.text
            else None,
        )
        self.violations = []

    def open(self, path, ready=None):
        response = self.page.goto(self.base + path)
        assert response.status == 200, path
        if ready:
            self.page.locator(ready).first.wait_for(state="visible")
        self.collect(path)

    def collect(self, path):
        found = self.page.evaluate("window.__cspViolations.splice(0)")
        self.violations += [f"{path}: {v}" for v in found]


@pytest.fixture
def people(transactional_db):
    clerk = UserFactory(department__region=region("513301001"))
    ticket = file_ticket(clerk, title="电子证照无法制作")
    published_faq(kb_operator(), "电子证照无法制作怎么办", "清除浏览器缓存后重新登录。")
    category = KBCategory.objects.create(name="常见", title="常见问题", slug="faq", description="d")
    KBItem.objects.create(category=category, title="问", question="问", answer="答")
    return {
        "clerk": clerk,
        "ticket": ticket,
        "operator": OperatorFactory(),
        "supervisor": UserFactory(role=Role.SUPERVISOR, supervised_region=region("513300")),
        "admin": UserFactory(role=Role.ADMIN, department=None),
    }


def test_the_sites_pages_run_under_the_policy(people, live_server, browser):
    clerk = Session(browser, live_server.url, people["clerk"])
    ticket = people["ticket"].pk
    clerk.open("/tickets/", ready="main table")
    clerk.open(f"/tickets/{ticket}/", ready="#chat-status")
    clerk.open("/tickets/new/")
    clerk.page.fill("#id_title", "电子证照无法制作")
    clerk.page.locator("#kb-suggestion-list li").first.wait_for(state="visible")
    clerk.collect("/tickets/new/ suggestions")
    clerk.open("/kb/")
    # The language switch: a form of buttons, no script at all.
    clerk.page.click("form.language-switch button[value=en]")
    clerk.page.locator("html[lang=en]").wait_for(state="attached")
    clerk.collect("language switch")

    supervisor = Session(browser, live_server.url, people["supervisor"])
    supervisor.open("/reports/", ready="svg.report-chart")
    assert (
        supervisor.page.evaluate(
            "getComputedStyle(document.querySelector('.report-chart rect')).fill"
        )
        == "rgb(43, 108, 176)"
    ), "the dashboard's own style block applies"

    violations = clerk.violations + supervisor.violations
    assert violations == [] and clerk.console + supervisor.console == []


def test_helpdesks_pages_and_the_admin_run_under_their_policies(people, live_server, browser):
    ticket = people["ticket"].pk
    operator = Session(browser, live_server.url, people["operator"])
    operator.open("/helpdesk/dashboard/")
    operator.open("/helpdesk/tickets/", ready="#work-queue tbody tr td a")
    operator.open(f"/helpdesk/tickets/{ticket}/", ready="#chat-status")
    operator.open("/helpdesk/kanban/")
    operator.open("/helpdesk/kb/faq/")
    operator.open("/chat/console/", ready="#chat-console")

    admin = Session(browser, live_server.url, people["admin"])
    admin.open("/admin/")
    admin.open("/admin/people/user/add/", ready="#id_username")
    admin.open("/admin/people/department/add/", ready=".select2")
    admin.open(f"/admin/helpdesk/ticket/{ticket}/change/", ready="#id_title")

    violations = operator.violations + admin.violations
    assert violations == [] and operator.console + admin.console == []
