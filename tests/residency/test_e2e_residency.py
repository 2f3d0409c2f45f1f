"""The assessment pages in Chromium on a phone (390×844) and a laptop
(1366×768): a supervisor records a failed assessment and sees the deadline,
on the engineer list and the dashboard; no page scrolls sideways and none
shows English."""

import re

import pytest

from tests.factories import PASSWORD, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ALLOWED_LATIN = {"KH"}  # the assessments' number prefix


@pytest.fixture(autouse=True)
def regions(transactional_db):
    """A transactional test's flush removes the counties the migration loaded."""
    for code in ("513300", "513301", "513322"):
        region(code)


def fits_and_chinese(page, what):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    words = set(re.findall(r"[A-Za-z]{2,}", page.inner_text("main"))) - ALLOWED_LATIN
    assert not words, (what, words)


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_a_supervisor_records_an_assessment(
    browser, live_server, engineer, template, kangding_supervisor, width, height
):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", kangding_supervisor.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/residency/")
    fits_and_chinese(page, "list")
    assert page.locator("[data-standing=none]").count() == 1
    page.click("[data-engineer=eng_wang] a")
    page.click("[data-action=assess]")
    # The click only starts the navigation: wait for the form it leads to.
    page.wait_for_selector("[data-action=record]")
    fits_and_chinese(page, "form")
    scores = page.locator("input[name^=score_]")
    scores.nth(0).fill("150")  # refused, in Chinese, nothing stored
    scores.nth(1).fill("60")
    page.click("[data-action=record]")
    page.wait_for_selector("[data-error]")
    fits_and_chinese(page, "refused")
    page.locator("input[name^=score_]").nth(0).fill("55")
    page.click("[data-action=record]")
    page.wait_for_selector("[data-verdict=failed]")
    assert page.locator("[data-deadline=open]").count() == 1
    fits_and_chinese(page, "assessment")
    page.goto(f"{live_server.url}/residency/")
    assert page.locator("[data-standing=deadline]").count() == 1
    fits_and_chinese(page, "list with a deadline")
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("[data-no-pass=eng_wang]").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.goto(f"{live_server.url}/residency/engineers/{engineer.pk}/")
    fits_and_chinese(page, "engineer")

    # The engineer reads their own assessment, and cannot record one.
    own = browser.new_context(viewport={"width": width, "height": height}).new_page()
    own.goto(f"{live_server.url}/accounts/login/")
    own.fill("#id_username", engineer.user.username)
    own.fill("#id_password", PASSWORD)
    own.click("main form button")
    own.wait_for_load_state()
    own.goto(f"{live_server.url}/residency/")
    own.wait_for_selector("[data-standing=deadline]")
    assert own.locator("[data-action=assess]").count() == 0
    fits_and_chinese(own, "own")
