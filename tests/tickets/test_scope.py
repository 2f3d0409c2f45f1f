"""The scope's two forms, the tickets and their ids alone (what search tests
membership against), keep the same tickets for everyone, with or without a
search's filters."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import Subsystem
from tests.factories import (
    DepartmentFactory,
    OperatorFactory,
    UserFactory,
    file_ticket,
    get_subsystem,
    region,
)

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
    license_operator = OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license"))
    seal_ticket = Ticket.objects.filter(details__subsystem__code="e_seal").first()
    seal_ticket.assigned_to = license_operator
    seal_ticket.save()
    # Made in django-helpdesk's own staff form: no details, no department.
    Ticket.objects.create(queue=get_subsystem("e_license").queue, title="电话报修")
    return {
        "reporter": clerks[1],
        "reporter without a department": UserFactory(department=None),
        "operator (one queue, one ticket assigned from another)": license_operator,
        "county supervisor": UserFactory(
            role=Role.SUPERVISOR, department=luding, supervised_region=region("513301")
        ),
        "township supervisor": UserFactory(role=Role.SUPERVISOR, department=township),
        "supervisor without a region": UserFactory(role=Role.SUPERVISOR, department=None),
        "superuser with a supervisor's role": UserFactory(
            role=Role.SUPERVISOR, supervised_region=region("513322"), is_superuser=True
        ),
        "administrator": UserFactory(role=Role.ADMIN, department=None),
        "deactivated county supervisor": UserFactory(
            role=Role.SUPERVISOR, supervised_region=region("513301"), is_active=False
        ),
        "visitor": AnonymousUser(),
    }


# How many of the seven tickets each sees: all, and those about electronic seals.
EXPECTED = {
    "reporter": (2, 1),
    "reporter without a department": (0, 0),
    "operator (one queue, one ticket assigned from another)": (5, 1),
    "county supervisor": (4, 2),
    "township supervisor": (2, 1),
    "supervisor without a region": (0, 0),
    "superuser with a supervisor's role": (7, 3),
    "administrator": (7, 3),
    "deactivated county supervisor": (0, 0),
    "visitor": (0, 0),
}


def ids_kept_by(subquery) -> set[int]:
    # Used the way search uses it: as the right-hand side of `IN`.
    return set(Ticket.objects.filter(pk__in=subquery).values_list("pk", flat=True))


@pytest.mark.parametrize("who", EXPECTED)
def test_ticket_ids_keep_the_same_tickets_as_the_scope(people, who):
    user = people[who]
    everything, seals = EXPECTED[who]
    tickets = set(scope.visible_tickets(user).values_list("pk", flat=True))
    assert len(tickets) == everything
    assert ids_kept_by(scope.visible_ticket_ids(user)) == tickets

    seal_tickets = set(
        scope.visible_tickets(user)
        .filter(details__subsystem__code="e_seal")
        .values_list("pk", flat=True)
    )
    assert len(seal_tickets) == seals
    assert ids_kept_by(scope.visible_ticket_ids(user, subsystem__code="e_seal")) == seal_tickets


def ids_by_hand(user) -> set[int]:
    """The ids a statement written by hand keeps (the chat's hot path)."""
    compiled = scope.visible_ticket_ids_sql(user)
    if compiled is None:
        return set()
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM helpdesk_ticket WHERE id IN ({sql})", params)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def read_again(user):
    return type(user).objects.get(pk=user.pk) if user.is_authenticated else AnonymousUser()


def test_hand_written_sql_keeps_the_scope_for_everyone_when_rules_are_shared(people):
    # Twice over, the second time with user objects read again: rules
    # compiled for one account and shared with others keep each one's scope.
    for _round in range(2):
        for who, user in people.items():
            user = read_again(user)
            assert ids_by_hand(user) == set(
                scope.visible_tickets(user).values_list("pk", flat=True)
            ), who
    extra = UserFactory(department=people["reporter"].department)
    assert ids_by_hand(extra) == ids_by_hand(read_again(people["reporter"]))


def test_hand_written_sql_follows_a_department_moved_to_another_region_at_once(people):
    supervisor = people["township supervisor"]
    township = set(scope.visible_tickets(supervisor).values_list("pk", flat=True))
    assert ids_by_hand(supervisor) == township
    department = supervisor.department
    department.region = region("513322")
    department.save()
    moved = read_again(supervisor)
    luding = set(scope.visible_tickets(moved).values_list("pk", flat=True))
    assert luding and luding != township
    assert ids_by_hand(moved) == luding
