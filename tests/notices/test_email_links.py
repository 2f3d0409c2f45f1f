"""E-mail lands: the configured host, the desk's own sender, the portal's page."""

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from helpdesk_site.notices import services
from tests.factories import file_ticket

pytestmark = pytest.mark.django_db


def test_the_site_domain_follows_the_configured_public_host(settings):
    settings.SITE_URL = "https://desk.ganzi.example.cn"
    services.ensure_site()
    assert Site.objects.get_current().domain == "desk.ganzi.example.cn"


def test_the_filing_receipt_comes_from_the_desk(desk, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://desk.ganzi.example.cn"
    settings.HELPDESK_USE_HTTPS_IN_EMAIL_LINK = True
    services.ensure_site()
    with django_capture_on_commit_callbacks(execute=True):
        file_ticket(desk.reporter, title="印章无法认领")
    [receipt] = [m for m in mail.outbox if m.to == [desk.reporter.email]]
    assert receipt.from_email.startswith("甘孜州政务服务平台运维服务台 <")
    assert "NO QUEUE EMAIL ADDRESS DEFINED" not in receipt.from_email


def test_the_notice_link_goes_through_the_login_and_back(desk, client):
    services.notify([desk.reporter], ticket=desk.ticket, message="测试")
    path = f"/tickets/{desk.ticket.pk}/"
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={path}"
    login = client.post(
        reverse("login") + f"?next={path}",
        {"username": desk.reporter.username, "password": "correct horse battery"},
    )
    assert login["Location"] == path


def test_a_notice_about_no_ticket_leads_to_its_own_page(
    desk, settings, client, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://desk.ganzi.example.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        [notice] = services.notify(
            [desk.supervisor], message="整改事项已逾期", link="/rectification/7/"
        )
    assert notice.path == "/rectification/7/"
    [sent] = [m for m in mail.outbox if m.to == [desk.supervisor.email]]
    assert "https://desk.ganzi.example.cn/rectification/7/" in sent.body
    assert "查看工单" not in sent.body
    client.force_login(desk.supervisor)
    page = client.get(reverse("notices:list")).content.decode()
    assert 'value="/rectification/7/"' in page or 'href="/rectification/7/"' in page
