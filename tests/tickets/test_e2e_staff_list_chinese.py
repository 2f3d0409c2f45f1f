"""The operator's ticket list in a real browser: DataTables writes its own
texts (search, page size, "showing 1 to n") and they are Chinese too.

Runs in its own pytest process (`make e2e`) with Debian's Chromium.
"""

import re

import pytest

from helpdesk_site.tickets.models import Subsystem
from tests.english import english_words
from tests.factories import PASSWORD, OperatorFactory, UserFactory, file_ticket, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_staff_ticket_list_is_chinese_in_the_browser(browser, live_server):
    reporter = UserFactory(
        department__region=region("513301001", "炉城街道"), last_name="泽仁", first_name="卓玛"
    )
    operator = OperatorFactory(
        subsystems=Subsystem.objects.filter(code="e_license"), last_name="王", first_name="运维"
    )
    file_ticket(reporter, title="电子证照下载失败")

    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_url(re.compile(r".*/tickets/$"))
    page.goto(f"{live_server.url}/helpdesk/tickets/")
    page.wait_for_selector("text=电子证照下载失败")

    body = page.inner_text("body")
    assert "工单队列" in body and "电子证照下载失败" in body and "未分配" in body
    data = {operator.username, reporter.username, "e-license-1"}
    assert not english_words(body, data), body
