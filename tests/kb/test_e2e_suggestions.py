"""In a real browser: typing on the filing form shows matching FAQs, and
"This solved it" records a deflection instead of filing a ticket."""

import pytest
from django.test import Client
from helpdesk.models import Ticket

from kb.models import Deflection
from tests.factories import UserFactory
from tests.kb.factories import operator, published_faq

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_suggestions_appear_and_deflect(live_server, browser):
    faq = published_faq(operator(), "事项认领后在实施清单中看不到", "等待十分钟后刷新实施清单。")
    reporter = UserFactory()
    client = Client()
    client.force_login(reporter)
    context = browser.new_context(locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/tickets/new/")
    page.fill("#id_title", "认领了事项清单里找不到")
    page.locator("#kb-suggestion-list li").first.wait_for(state="visible", timeout=10_000)
    assert faq.kbitem.title in page.inner_text("#kb-suggestion-list")
    page.click("#kb-suggestion-list button")
    page.wait_for_url(f"{live_server.url}/kb/{faq.pk}/")
    deflection = Deflection.objects.get()
    assert deflection.faq_id == faq.pk and deflection.user_id == reporter.pk
    assert not Ticket.objects.exists()
