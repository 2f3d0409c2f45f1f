"""Choosing files on a Chromium whose own language is English: the browser's
"Choose Files" button and "No file chosen" never show; the site's Chinese
label does, names the chosen files in Chinese, and works from the keyboard.
On the filing form, the portal's comment form, the chat, and helpdesk's reply
form; screenshots at 390×844 and 1366×768 go to test-artifacts/."""

import pytest
from helpdesk.models import Ticket

from helpdesk_site.tickets.models import Subsystem
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.english import visible_english
from tests.factories import (
    PNG,
    DepartmentFactory,
    OperatorFactory,
    UserFactory,
    file_ticket,
    region,
)
from tests.test_e2e_layout import screenshot
from tests.tickets.test_e2e_filing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# File inputs the browser draws itself (with its own English) that a person could see.
NATIVE_PICKERS = """
() => Array.from(document.querySelectorAll('input[type=file]'))
  .filter(input => {
    const box = input.getBoundingClientRect(), style = getComputedStyle(input);
    return box.width > 2 && box.height > 2 && style.opacity !== '0' && style.display !== 'none'
      && style.visibility !== 'hidden';
  })
  .map(input => input.id || input.name)
"""


@pytest.fixture
def english_chromium():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=en-US"]
        )
        yield chromium
        chromium.close()


def no_english(page, known):
    assert page.evaluate(NATIVE_PICKERS) == []
    assert visible_english(page.content(), known) == {}


def chosen(page, input_id, tmp_path, *names):
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(PNG)
        paths.append(str(path))
    page.set_input_files(f"#{input_id}", paths)
    return page.locator(f"#{input_id}-chosen").inner_text()


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_choosing_files_reads_chinese_on_an_english_browser(
    english_chromium, live_server, tmp_path, width, height
):
    clerk = UserFactory(
        department=DepartmentFactory(name="炉城街道便民服务中心", region=region("513301001"))
    )
    ticket = file_ticket(clerk)
    # Format names the help text lists beside the product names English allows.
    known = {clerk.username, ticket.title, "ZIP"}
    context = english_chromium.new_context(viewport={"width": width, "height": height})
    assert context.new_page().evaluate("navigator.language") == "en-US"
    page = context.new_page()
    log_in(page, live_server.url, clerk)

    page.goto(f"{live_server.url}/tickets/new/")
    picker = page.locator("label[for=id_attachments].file-picker-button")
    assert picker.inner_text() == "选择文件" and picker.bounding_box()["height"] >= 44
    assert page.locator("#id_attachments-chosen").inner_text() == "未选择文件"
    no_english(page, known)
    # From the keyboard: the input takes the focus and Space opens the chooser.
    page.focus("#id_attachments")
    assert page.evaluate("document.activeElement.id") == "id_attachments"
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files([])
    assert chosen(page, "id_attachments", tmp_path, "报错截图.png", "b.png") == (
        "已选择 2 个文件：报错截图.png、b.png"
    )
    no_english(page, known | {"b.png"})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, f"file-picker-filing-{width}")

    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert page.locator("label[for=chat-image]").inner_text() == "添加图片"
    assert chosen(page, "id_attachments", tmp_path, "截图.png") == "已选择 1 个文件：截图.png"
    no_english(page, known)
    screenshot(page, f"file-picker-ticket-{width}")


def test_helpdesks_reply_form_chooses_files_in_chinese(english_chromium, live_server, tmp_path):
    clerk = UserFactory(department=DepartmentFactory(region=region("513301001")))
    ticket = file_ticket(clerk)
    operator = OperatorFactory(
        subsystems=Subsystem.objects.filter(code="e_license"), first_name="运维", last_name="王"
    )
    page = english_chromium.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/helpdesk/tickets/{ticket.pk}/")
    page.click("#respond-tab")
    page.click("a[href='#collapseAttachments']")
    page.locator("label[for=file0]").wait_for()
    assert page.evaluate(NATIVE_PICKERS) == []
    assert chosen(page, "file0", tmp_path, "日志.png") == "已选择 1 个文件：日志.png"
    screenshot(page, "file-picker-helpdesk-1366")
    page.fill("#commentBox", "已收到日志截图。")
    page.click("#ticket-respond-form button[type=submit]")
    page.locator("#followup-tab-pane", has_text="已收到日志截图").wait_for()
    assert (
        Ticket.objects.get(pk=ticket.pk)
        .followup_set.filter(followupattachment__filename__contains="日志")
        .exists()
    )
