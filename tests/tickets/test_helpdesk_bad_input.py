"""django-helpdesk's staff views answer malformed input with 400, not 500."""

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from tests.factories import OperatorFactory, UserFactory, file_ticket, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    return file_ticket(UserFactory(department__region=region("513301001")))


@pytest.mark.parametrize(
    ("name", "with_ticket", "data"),
    [
        ("helpdesk:update", True, {"owner": "abc"}),
        ("helpdesk:update", True, {"new_status": "zz"}),
        ("helpdesk:mass_update", False, {"ticket_id": ["abc"], "action": "close"}),
        ("helpdesk:mass_update", None, {"action": "assign_zz"}),
    ],
)
def test_malformed_staff_input_is_a_400(client, ticket, name, with_ticket, data):
    client.force_login(OperatorFactory())
    if with_ticket:
        url = reverse(name, args=[ticket.pk])
        data = {"title": ticket.title, "queue": ticket.queue_id, "body": "b", "priority": 3, **data}
    else:
        url = reverse(name)
        if with_ticket is None:
            data = {"ticket_id": [str(ticket.pk)], **data}
    before = Ticket.objects.values_list("status", "assigned_to_id").get(pk=ticket.pk)
    response = client.post(url, data)
    assert response.status_code == 400
    assert Ticket.objects.values_list("status", "assigned_to_id").get(pk=ticket.pk) == before


def test_malformed_datatables_paging_is_a_400(client, ticket):
    client.force_login(OperatorFactory())
    response = client.get("/helpdesk/datatables_ticket_list/e30=", {"length": "y"})
    assert response.status_code == 400
