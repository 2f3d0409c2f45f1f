"""A clerk files a ticket in a real browser; a clerk of another county never sees it.

Runs in its own pytest process (`make e2e`) with Debian's Chromium.
"""

import re

import pytest

from helpdesk_site.people.models import Role
from tests.factories import PASSWORD, PNG, DepartmentFactory, UserFactory, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_url(re.compile(r".*/tickets/$"))


def test_clerk_files_a_ticket_and_only_their_side_sees_it(browser, live_server, tmp_path):
    clerk = UserFactory(
        department=DepartmentFactory(name="炉城街道便民服务中心", region=region("513301001"))
    )
    luding = UserFactory(department=DepartmentFactory(region=region("513322")))
    supervisor = UserFactory(role=Role.SUPERVISOR, supervised_region=region("513301"))
    screenshot = tmp_path / "报错截图.png"
    screenshot.write_bytes(PNG)

    page = browser.new_context().new_page()
    log_in(page, live_server.url, clerk)
    page.click("text=提交工单 >> nth=0")
    page.select_option("#id_subsystem", label="电子证照管理系统")
    page.select_option("#id_category", value="fault")
    page.fill("#id_title", "电子证照无法制作")
    page.fill("#id_description", "制作营业执照电子证照时页面一直转圈。")
    page.set_input_files("#id_attachments", str(screenshot))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/tickets/\d+/$"))
    ticket_url = page.url
    assert "工单" in page.inner_text(".alert-success")
    assert page.is_visible("text=报错截图.png")
    assert page.is_visible("text=打开")

    other = browser.new_context().new_page()
    log_in(other, live_server.url, luding)
    assert "电子证照无法制作" not in other.content()
    response = other.goto(ticket_url)
    assert response.status == 404

    boss = browser.new_context().new_page()
    log_in(boss, live_server.url, supervisor)
    assert boss.is_visible("text=电子证照无法制作")


def test_bad_file_keeps_what_was_typed(browser, live_server, tmp_path):
    clerk = UserFactory(department=DepartmentFactory(region=region("513301001")))
    fake = tmp_path / "截图.png"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    page = browser.new_context().new_page()
    log_in(page, live_server.url, clerk)
    page.goto(f"{live_server.url}/tickets/new/")
    page.select_option("#id_subsystem", label="电子印章管理系统")
    page.fill("#id_title", "印章无法加盖")
    page.fill("#id_description", "加盖电子印章时报错。")
    page.set_input_files("#id_attachments", str(fake))
    page.click("main form button[type=submit]")
    assert page.is_visible("text=不是可接受的文件类型")
    assert page.input_value("#id_title") == "印章无法加盖"
    assert page.input_value("#id_description") == "加盖电子印章时报错。"
