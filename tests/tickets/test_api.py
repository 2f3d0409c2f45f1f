import pytest
from helpdesk.models import Ticket

from tests.factories import UserFactory, file_ticket, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    user = UserFactory(department__region=region("513301001"))
    client.force_login(user)
    return user


def test_api_lists_only_scoped_tickets_with_filters(client, clerk):
    mine = file_ticket(clerk)
    file_ticket(clerk, subsystem="e_seal", title="印章")
    file_ticket(UserFactory(department__region=region("513322")), title="泸定")
    data = client.get("/api/tickets/").json()
    assert {t["title"] for t in data["results"]} == {mine.title, "印章"}
    data = client.get("/api/tickets/", {"subsystem": "e_seal"}).json()
    assert [t["subsystem"] for t in data["results"]] == ["e_seal"]


def test_api_files_a_ticket_through_the_same_service(client, clerk):
    response = client.post(
        "/api/tickets/",
        {
            "subsystem": "case_handling",
            "category": "consultation",
            "priority": 3,
            "title": "办件怎么退回",
            "description": "请问已受理的办件如何退回申请人？",
        },
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.details.department == clerk.department


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"subsystem": "nope", "category": "fault", "priority": 3, "title": "x", "description": "y"},
    ],
)
def test_api_bad_input_is_400(client, clerk, payload):
    response = client.post("/api/tickets/", payload)
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_api_bad_filter_and_id(client, clerk):
    assert client.get("/api/tickets/", {"status": "x"}).status_code == 400
    assert client.get("/api/tickets/abc/").status_code == 404
    assert client.get("/api/tickets/99999/").status_code == 404


def test_api_needs_login(client):
    client.logout()
    assert client.get("/api/tickets/").status_code == 403
