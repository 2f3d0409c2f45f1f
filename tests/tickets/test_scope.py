"""The scope's two forms, the tickets and their ids alone (what search tests
membership against), keep the same tickets for everyone."""

import pytest
from django.contrib.auth.models import AnonymousUser

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import Subsystem
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, file_ticket, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    kangding = DepartmentFactory(name="康定市政务服务中心", region=region("513301"))
    township = DepartmentFactory(name="炉城街道便民服务中心", region=region("513301001"))
    luding = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    clerks = [UserFactory(department=d) for d in (kangding, township, luding)]
    for clerk in clerks:
        file_ticket(clerk, subsystem="e_license")
        file_ticket(clerk, subsystem="e_seal")
    return {
        "reporter": clerks[1],
        "reporter without a department": UserFactory(department=None),
        "operator": OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license")),
        "county supervisor": UserFactory(
            role=Role.SUPERVISOR, department=luding, supervised_region=region("513301")
        ),
        "township supervisor": UserFactory(role=Role.SUPERVISOR, department=township),
        "supervisor without a region": UserFactory(role=Role.SUPERVISOR, department=None),
        "administrator": UserFactory(role=Role.ADMIN, department=None),
        "deactivated county supervisor": UserFactory(
            role=Role.SUPERVISOR, supervised_region=region("513301"), is_active=False
        ),
        "visitor": AnonymousUser(),
    }


EXPECTED = {
    "reporter": 2,
    "reporter without a department": 0,
    "operator": 3,
    "county supervisor": 4,
    "township supervisor": 2,
    "supervisor without a region": 0,
    "administrator": 6,
    "deactivated county supervisor": 0,
    "visitor": 0,
}


@pytest.mark.parametrize("who", EXPECTED)
def test_ticket_ids_keep_the_same_tickets_as_the_scope(people, who):
    user = people[who]
    tickets = set(scope.visible_tickets(user).values_list("pk", flat=True))
    assert len(tickets) == EXPECTED[who]
    assert set(scope.visible_ticket_ids(user).values_list(flat=True)) == tickets
