"""The top bar of every role on every desktop width, from the narrowest
unfolded one (992 px) to a wide screen: one row of menu entries, none broken
over two lines, nothing pushed off the screen. Each app adds its own entries,
so a new one can crowd a role's bar without touching this file: this test is
where that shows. Screenshots go to test-artifacts/top-bar-<role>-<width>.png."""

import pytest

from helpdesk_site.people.models import Role
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, region, supervisor
from tests.test_e2e_layout import screenshot
from tests.tickets.test_e2e_filing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (992, 1200, 1366, 1920)

# Rows of visible menu entries; entries, the brand or the person's tools
# broken over lines; how far anything reaches past the window's right edge;
# whether the brand and the tools overlap.
TOP_BAR = """() => {
  const box = e => e.getBoundingClientRect();
  const entries = Array.from(document.querySelectorAll('.navbar-nav .nav-link'))
    .filter(e => e.offsetParent !== null).map(box);
  const brand = box(document.querySelector('.navbar-brand'));
  const tools = box(document.querySelector('.site-tools'));
  const right = Array.from(document.querySelectorAll('nav.navbar *'))
    .filter(e => e.offsetParent !== null)
    .reduce((edge, e) => Math.max(edge, box(e).right), 0);
  return {
    rows: new Set(entries.map(b => Math.round(b.top))).size,
    broken: [...entries, brand, tools].filter(b => b.height >= 50).length,
    overflow: Math.max(0, document.documentElement.scrollWidth - window.innerWidth,
      right - window.innerWidth),
    overlap: brand.right > tools.left && brand.bottom > tools.top,
  };
}"""


def _people():
    county = region("513301")
    return {
        "reporter": UserFactory(
            department=DepartmentFactory(region=region("513301001")), username="clerk"
        ),
        "operator": OperatorFactory(username="op"),
        "county-supervisor": supervisor("513301", username="kd_sup"),
        "prefecture-supervisor": supervisor("513300", username="gz_sup"),
        "admin": UserFactory(
            role=Role.ADMIN,
            department=None,
            username="root",
            is_staff=True,
            is_superuser=True,
            supervised_region=county.parent,
        ),
    }


def test_the_top_bar_is_one_row_on_every_desktop_width(browser, live_server):
    # One test for all roles: a transactional test's flush costs more than its pages.
    for who, person in _people().items():
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server.url, person)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 768})
            page.goto(f"{live_server.url}/tickets/")
            bar = page.evaluate(TOP_BAR)
            screenshot(page, f"top-bar-{who}-{width}")
            assert bar == {"rows": 1, "broken": 0, "overflow": 0, "overlap": False}, (
                who,
                width,
                bar,
            )
        context.close()
