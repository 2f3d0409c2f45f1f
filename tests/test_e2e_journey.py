"""A clerk's whole journey in a real browser, on a phone and on a desktop:
log in, file with an attachment while FAQ suggestions show where the eye is,
read the operator's reply in the one conversation, chat, hear of the
resolution in the notices and follow the notice to the ticket, rate it.
Screenshots go to test-artifacts/ (not committed).

Runs in its own pytest process (`make e2e`) with Debian's Chromium.
"""

import re

import pytest
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.chat.models import ChatMessage
from helpdesk_site.satisfaction.models import Rating
from helpdesk_site.tickets.models import Subsystem
from tests.factories import PNG, DepartmentFactory, OperatorFactory, UserFactory, region
from tests.kb.factories import operator as faq_writer
from tests.kb.factories import published_faq
from tests.test_e2e_layout import screenshot
from tests.tickets.test_e2e_filing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def box(page, selector) -> dict:
    return page.locator(selector).bounding_box()


def unread_count(page, device) -> str:
    """The unread count the clerk sees: on the menu's button on a phone, in
    the menu on a desktop."""
    where = ".navbar-toggler" if device == "phone" else ".navbar-nav"
    return page.locator(f"{where} [data-notices-unread]").inner_text()


@pytest.mark.parametrize(
    "device,viewport",
    [("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1366, "height": 768})],
)
def test_a_clerk_files_talks_sees_the_fix_and_rates(
    browser, live_server, tmp_path, device, viewport
):
    clerk = UserFactory(
        department=DepartmentFactory(name="炉城街道便民服务中心", region=region("513301001"))
    )
    engineer = OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license"))
    published_faq(
        faq_writer(), "电子证照制作失败，提示“模板未发布”怎么办？", "在证照目录中发布模板。"
    )
    picture = tmp_path / "报错截图.png"
    picture.write_bytes(PNG)

    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server.url, clerk)
    page.goto(f"{live_server.url}/tickets/new/")
    page.select_option("#id_subsystem", label="电子证照管理系统")
    page.select_option("#id_category", value="fault")
    page.fill("#id_title", "电子证照制作失败")
    page.fill("#id_description", "制作电子证照时提示模板未发布。")
    page.locator("#kb-suggestion-list li").first.wait_for(state="visible")
    # Suggestions where the eye is: beside the description on a desktop,
    # right under it on a phone; either way before the submit button.
    suggestions, description = box(page, "#kb-suggestions"), box(page, "#id_description")
    submit = page.get_by_role("button", name="提交", exact=True)
    if device == "desktop":
        assert suggestions["x"] >= description["x"] + description["width"]
        assert suggestions["y"] < description["y"] + description["height"]
    else:
        assert suggestions["y"] >= description["y"] + description["height"]
    assert suggestions["y"] < submit.bounding_box()["y"]
    screenshot(page, f"journey-{device}-1-filing")
    page.set_input_files("#id_attachments", str(picture))
    submit.click()
    page.wait_for_url(re.compile(r".*/tickets/\d+/$"))
    ticket = Ticket.objects.get(title="电子证照制作失败")

    # The operator replies through helpdesk's own service.
    update_ticket(engineer, ticket, comment="请在证照目录中发布模板后重新制作。", public=True)
    page.reload()
    # The menu counts the reply as a notice (on a phone, on the menu's button).
    assert unread_count(page, device) == "1"
    thread = page.locator("#chat-messages")
    thread.get_by_text("请在证照目录中发布模板后重新制作。").wait_for()
    assert thread.get_by_text("报错截图.png").count() == 1

    page.fill("#chat-input", "好的，我去发布模板")
    page.click("#chat-send")
    thread.locator(".chat-body", has_text="我去发布模板").wait_for()
    assert ChatMessage.objects.filter(ticket=ticket, author=clerk).count() == 1
    screenshot(page, f"journey-{device}-2-conversation")

    update_ticket(
        engineer,
        ticket,
        comment="模板已发布，问题已解决。",
        public=True,
        new_status=Ticket.RESOLVED_STATUS,
    )
    # The clerk hears of it in the notices and follows the notice to the ticket.
    if device == "phone":
        page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name=re.compile("^通知")).click()
    page.wait_for_url(f"{live_server.url}/notices/")
    notice = page.locator(".notice-unread", has_text="请对处理结果进行评价")
    assert "模板已发布" in notice.inner_text()
    screenshot(page, f"journey-{device}-3-notices")
    notice.locator(".notice-open").click()
    page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/#rating")
    # Asked to rate, right where the notice led.
    assert page.get_by_label("非常满意").is_visible()
    page.wait_for_function(
        "() => { const r = document.getElementById('rating').getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight; }"
    )
    assert unread_count(page, device) == "1"  # the first reply's notice, not yet opened
    thread.get_by_text("模板已发布，问题已解决。").wait_for()
    texts = thread.locator("li").all_inner_texts()
    order = ["模板未发布", "请在证照目录中发布模板后重新制作", "我去发布模板", "问题已解决"]
    positions = [next(i for i, t in enumerate(texts) if words in t) for words in order]
    assert positions == sorted(positions)
    assert all(sum(words in t for t in texts) == 1 for words in order)

    page.get_by_label("非常满意").check()
    page.get_by_role("button", name="提交评价").click()
    page.locator("#rating", has_text="非常满意").wait_for()
    screenshot(page, f"journey-{device}-4-rated")
    assert Rating.objects.get(ticket=ticket).score == 5
