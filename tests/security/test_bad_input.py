"""The faults the junk-input run found in django-helpdesk's staff views and
the admin, each pinned: a 400 (JSON from the JSON API), and nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpdesk.models import FollowUp, FollowUpAttachment, SavedSearch, Ticket, TicketChange

from helpdesk_site.people.models import Role
from tests.factories import PNG, OperatorFactory, UserFactory, file_ticket, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    return file_ticket(UserFactory(department__region=region("513301001")))


@pytest.fixture
def operator(client):
    operator = OperatorFactory()
    client.force_login(operator)
    client.raise_request_exception = False
    return operator


def state(ticket):
    return (
        Ticket.objects.values_list("title", "status", "assigned_to_id").get(pk=ticket.pk),
        FollowUp.objects.filter(ticket=ticket).count(),
        TicketChange.objects.filter(followup__ticket=ticket).count(),
        FollowUpAttachment.objects.filter(followup__ticket=ticket).count(),
    )


def update(client, ticket, **fields):
    data = {
        "title": ticket.title,
        "queue": ticket.queue_id,
        "body": "b",
        "priority": ticket.priority,
        "new_status": ticket.status,
        "public": "1",
        "comment": "已联系部门，正在处理",
        **fields,
    }
    return client.post(reverse("helpdesk:update", args=[ticket.pk]), data)


@pytest.mark.parametrize(
    "fields",
    [
        {"owner": "987654321"},  # no such user: User.DoesNotExist
        {"public": "on"},  # a checkbox's default value into a boolean: ValidationError
        {"comment": "已处理\x00"},  # PostgreSQL refuses NUL: DataError
        {"new_status": "9" * 30},  # integer out of range: DataError
        {"title": "新标题", "new_status": "9" * 12},  # a title change, then a failure
        {
            "attachment": SimpleUploadedFile("shot.png", PNG, "image/png"),
            "new_status": "9" * 12,
        },
    ],
    ids=["owner", "public", "nul", "huge-status", "title-then-fail", "file-then-fail"],
)
def test_a_bad_ticket_update_is_a_400_and_stores_nothing(client, operator, ticket, fields):
    before = state(ticket)
    response = update(client, ticket, **fields)
    assert response.status_code == 400
    assert state(ticket) == before


def test_a_good_ticket_update_still_goes_through(client, operator, ticket):
    response = update(client, ticket, title="新标题", owner=str(operator.pk))
    assert response.status_code == 302
    assert Ticket.objects.values_list("title", "assigned_to_id").get(pk=ticket.pk) == (
        "新标题",
        operator.pk,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "我的查询", "shared": "", "query_encoded": "e30="},  # blank boolean
        {"title": "长" * 101, "query_encoded": "e30="},  # longer than the column
        {"title": "我的\x00查询", "query_encoded": "e30="},
    ],
    ids=["blank-boolean", "too-long", "nul"],
)
def test_a_bad_saved_query_is_a_400_and_stores_nothing(client, operator, fields):
    response = client.post(reverse("helpdesk:savequery"), fields)
    assert response.status_code == 400
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_deeply_nested_body_to_helpdesks_api_is_a_json_400(client, ticket, method):
    client.force_login(UserFactory(role=Role.ADMIN, department=None))
    client.raise_request_exception = False
    url = "/helpdesk/api/tickets/" if method == "post" else f"/helpdesk/api/tickets/{ticket.pk}/"
    response = getattr(client, method)(
        url, "[" * 30_000 + "]" * 30_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "请求数据无效。"


@pytest.fixture
def admin(client):
    admin = UserFactory(role=Role.ADMIN, department=None)
    client.force_login(admin)
    client.raise_request_exception = False
    return admin


def test_a_nul_byte_in_an_admin_form_is_a_400_and_stores_nothing(client, admin):
    from helpdesk_site.people.models import Department

    before = Department.objects.count()
    response = client.post(
        "/admin/people/department/add/", {"name": "康定市政务服务中心", "region": "513301\x00"}
    )
    assert response.status_code == 400
    assert Department.objects.count() == before


def test_junk_in_an_admin_autocomplete_field_is_refused(client, admin):
    clerk = UserFactory(department__region=region("513301001"))
    url = f"/admin/people/user/{clerk.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "username": clerk.username,
            "role": "reporter",
            "department": "<script>",
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code in (200, 400)
    clerk.refresh_from_db()
    assert clerk.department_id is not None


@pytest.mark.parametrize(
    "query",
    ["/admin/people/department/?region__level__exact=a%00b", "/admin/kb/faq/?state__exact=%00"],
)
def test_a_nul_byte_in_an_admin_list_filter_is_a_400(client, admin, query):
    assert client.get(query).status_code == 400
