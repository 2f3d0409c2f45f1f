"""The demo shows a failure followed by a pass within 7 days, as history."""

import datetime as dt

import pytest

from helpdesk_site.notices.models import Notice
from residency import demo
from residency.models import Assessment, DeadlineStatus, RetakeDeadline
from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


def test_demo_has_a_failure_then_a_pass_within_seven_days_and_no_news(
    kangding_supervisor, team_lead
):
    accounts = {
        "operator": OperatorFactory(username="operator", last_name="王", first_name="运维"),
        "kd_supervisor": kangding_supervisor,
        "team_lead": team_lead,
    }
    now = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
    demo.seed(accounts, now)
    demo.seed(accounts, now)
    verdicts = list(Assessment.objects.order_by("assessed_on").values_list("passed", flat=True))
    assert verdicts == [True, False, True]
    deadline = RetakeDeadline.objects.get()
    assert deadline.status == DeadlineStatus.CLEARED
    assert (deadline.closed_by.assessed_on - deadline.failed.assessed_on).days <= 7
    assert Assessment.objects.filter(assessed_on__gt=now.date()).count() == 0
    assert not Notice.objects.exists()
