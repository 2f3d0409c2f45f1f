"""A reporter's scope is their own department, not its region, and never the
internal side of a ticket: checked over HTTP, as a clerk would meet it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpdesk.models import FollowUpAttachment

from tests.factories import (
    PNG,
    DepartmentFactory,
    OperatorFactory,
    UserFactory,
    file_ticket,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def same_county():
    """Two departments of one county (康定市), each with a clerk and a ticket."""
    kangding = region("513301")
    centre = DepartmentFactory(name="康定市政务服务中心", region=kangding)
    market = DepartmentFactory(name="康定市市场监督管理局", region=kangding)
    clerk = UserFactory(department=centre)
    neighbour = UserFactory(department=market)
    own = file_ticket(clerk, title="本部门工单：电子证照无法制作")
    theirs = file_ticket(neighbour, title="邻部门工单：营业执照无法打印")
    return clerk, own, theirs


def test_a_reporter_lists_only_their_own_departments_tickets(client, same_county):
    clerk, own, theirs = same_county
    client.force_login(clerk)
    page = client.get(reverse("tickets:list")).content.decode()
    assert own.title in page
    assert theirs.title not in page
    api = client.get("/api/tickets/").json()
    assert [row["id"] for row in api["results"]] == [own.pk]


def test_a_reporter_cannot_open_a_ticket_of_another_department_in_their_region(client, same_county):
    clerk, own, theirs = same_county
    client.force_login(clerk)
    assert client.get(reverse("tickets:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("tickets:detail", args=[theirs.pk])).status_code == 404
    assert client.get(f"/api/tickets/{theirs.pk}/").status_code == 404


def _attached(client, ticket, operator, public, name):
    """A follow-up with a screenshot, posted in django-helpdesk's staff form."""
    client.force_login(operator)
    data = {
        "title": ticket.title,
        "queue": ticket.queue_id,
        "body": ticket.description,
        "priority": ticket.priority,
        "new_status": ticket.status,
        "comment": "见附件",
        "attachment": SimpleUploadedFile(name, PNG, "image/png"),
    }
    if public:
        data["public"] = "1"
    response = client.post(reverse("helpdesk:update", args=[ticket.pk]), data)
    assert response.status_code == 302
    return FollowUpAttachment.objects.get(filename=name)


def test_a_reporter_cannot_download_a_file_on_an_internal_note(client):
    clerk = UserFactory(department__region=region("513301001"))
    ticket = file_ticket(clerk)
    operator = OperatorFactory()
    internal = _attached(client, ticket, operator, public=False, name="internal-screenshot.png")
    public = _attached(client, ticket, operator, public=True, name="reply-screenshot.png")
    assert not internal.followup.public and public.followup.public

    client.force_login(clerk)
    assert client.get(public.file.url).status_code == 200
    assert client.get(internal.file.url).status_code == 404
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "reply-screenshot" in page and "internal-screenshot" not in page

    client.force_login(operator)
    assert client.get(internal.file.url).status_code == 200
