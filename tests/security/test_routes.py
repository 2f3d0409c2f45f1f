"""Routes that must not be open: django-helpdesk's pages made to be framed by
other sites (one of them takes tickets without a CSRF token), and the admin
for anyone but administrators."""

import pytest
from django.urls import reverse
from helpdesk.models import KBCategory, Ticket

from helpdesk_site.people.models import Role
from tests.factories import OperatorFactory, UserFactory, get_subsystem, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return UserFactory(department__region=region("513301001"))


@pytest.mark.parametrize(
    "path",
    ["/helpdesk/tickets/submit_iframe/", "/helpdesk/tickets/success_iframe/"],
)
@pytest.mark.parametrize("who", ["clerk", "operator"])
def test_helpdesks_framed_pages_are_gone(client, clerk, path, who):
    client.force_login(clerk if who == "clerk" else OperatorFactory())
    response = client.get(path)
    assert response.status_code == 404
    assert "X-Frame-Options" in response


def test_no_ticket_can_be_filed_through_the_framed_form_without_a_csrf_token(clerk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    queue = get_subsystem("e_license").queue
    response = client.post(
        "/helpdesk/tickets/submit_iframe/",
        {
            "queue": queue.pk,
            "title": "跨站提交",
            "body": "x",
            "priority": 3,
            "submitter_email": "a@example.invalid",
        },
    )
    assert response.status_code in (403, 404)
    assert not Ticket.objects.filter(title="跨站提交").exists()


def test_helpdesks_framed_knowledge_base_is_gone(client, clerk):
    KBCategory.objects.create(title="常见问题", slug="faq", description="d")
    client.force_login(clerk)
    assert client.get("/helpdesk/kb/faq/").status_code == 200
    assert client.get("/helpdesk/kb_iframe/faq/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/helpdesk/", "/admin/people/user/", "/admin/helpdesk/ticket/"]
)
def test_an_operator_is_kept_out_of_the_admin(client, path):
    operator = OperatorFactory()
    assert operator.is_staff  # operators work in helpdesk's staff pages
    client.force_login(operator)
    response = client.get(path)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    assert "站点管理" not in response.content.decode()


def test_an_administrator_opens_the_admin(client):
    client.force_login(UserFactory(role=Role.ADMIN, department=None))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "/admin/people/user/" in response.content.decode()
