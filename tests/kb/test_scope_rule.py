"""The scope as data (scope.scope_rule), which Elasticsearch filters by,
keeps exactly the tickets visible_tickets keeps, for every role; and the
Elasticsearch filter built from it says the same."""

import pytest
from helpdesk.models import Ticket

from helpdesk_site.audit.models import Withdrawal
from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope
from kb.search import elastic
from tests.factories import UserFactory
from tests.tickets.test_scope import EXPECTED, people  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def kept_by(rule: scope.ScopeRule, ticket: Ticket) -> bool:
    """The rule applied to one ticket, the way the Elasticsearch filter reads it."""
    if ticket.pk in rule.withdrawn_ids:
        return False
    if rule.everything:
        return True
    details = getattr(ticket, "details", None)
    return (
        (
            rule.region_prefix is not None
            and details is not None
            and details.region.code.startswith(rule.region_prefix)
        )
        or (details is not None and details.department_id == rule.department_id)
        or ticket.queue_id in rule.queue_ids
        or (rule.assigned_to_id is not None and ticket.assigned_to_id == rule.assigned_to_id)
    )


def tickets():
    return Ticket.objects.select_related("details__region")


@pytest.mark.parametrize("who", EXPECTED)
def test_the_rule_keeps_what_visible_tickets_keeps(people, who):  # noqa: F811
    user = people[who]
    rule = scope.scope_rule(user)
    visible = set(scope.visible_tickets(user).values_list("pk", flat=True))
    assert {t.pk for t in tickets() if kept_by(rule, t)} == visible
    assert rule.nothing == (not visible)


@pytest.mark.parametrize("who", EXPECTED)
def test_the_rule_leaves_withdrawn_tickets_out(people, who):  # noqa: F811
    user = people[who]
    visible = list(scope.visible_tickets(user).order_by("pk"))
    if not visible:
        pytest.skip("sees nothing to withdraw")
    admin = UserFactory(role=Role.ADMIN, department=None)
    Withdrawal.objects.create(ticket=visible[0], withdrawn_by=admin, reason="重复提交")
    rule = scope.scope_rule(user)
    assert visible[0].pk in rule.withdrawn_ids
    after = set(scope.visible_tickets(user).values_list("pk", flat=True))
    assert {t.pk for t in tickets() if kept_by(rule, t)} == after


def test_the_elasticsearch_filter_says_what_the_rule_says():
    rule = scope.ScopeRule(
        region_prefix="5133",
        department_id=7,
        queue_ids=(2, 3),
        assigned_to_id=11,
        withdrawn_ids=(5,),
    )
    body = elastic.scope_filter(rule).to_dict()["bool"]
    assert body["must_not"] == [{"ids": {"values": ["5"]}}]
    either = body["filter"][0]["bool"]
    assert either["minimum_should_match"] == 1
    assert {"prefix": {"region_code": "5133"}} in either["should"]
    assert {"term": {"department": 7}} in either["should"]
    assert {"terms": {"queue": [2, 3]}} in either["should"]
    assert {"term": {"assigned_to": 11}} in either["should"]
    assert elastic.scope_filter(scope.ScopeRule(everything=True)) is None
    assert elastic.scope_filter(scope.ScopeRule()).to_dict() == {"match_none": {}}
