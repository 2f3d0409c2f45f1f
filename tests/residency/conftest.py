import datetime as dt

import pytest

from residency import services
from residency.models import AssessmentTemplate, Engineer, Source
from sla.models import TeamLead
from tests.factories import OperatorFactory, UserFactory, region
from tests.rectification.conftest import (  # noqa: F401  supervisors of 康定, 泸定 and the prefecture
    kangding_supervisor,
    luding_supervisor,
    prefecture_supervisor,
)
from tests.sla.conftest import Clock


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def template(db):
    """Two manual items and one data item (好差评) of equal weight, pass mark 80."""
    AssessmentTemplate.objects.all().delete()
    template = AssessmentTemplate.objects.create(name="测试考核表", pass_mark=80)
    template.items.create(name="业务能力", source=Source.MANUAL, weight=40, order=0)
    template.items.create(name="服务态度", source=Source.MANUAL, weight=40, order=1)
    template.items.create(name="好差评", source=Source.SATISFACTION, weight=20, order=2)
    return template


@pytest.fixture
def team_lead(db):
    lead = OperatorFactory(username="lead_zhao", email="lead@example.cn")
    TeamLead.objects.update_or_create(subsystem=None, defaults={"user": lead})
    return lead


@pytest.fixture
def engineer(db, team_lead):
    user = OperatorFactory(username="eng_wang", first_name="运维", last_name="王")
    return Engineer.objects.create(
        user=user, post=region("513301"), on_duty_since=dt.date(2025, 9, 1)
    )


@pytest.fixture
def luding_engineer(db):
    user = OperatorFactory(username="eng_li", first_name="驻场", last_name="李")
    return Engineer.objects.create(user=user, post=region("513322"))


@pytest.fixture
def reporter(db):
    return UserFactory()


@pytest.fixture
def assess(template, kangding_supervisor):  # noqa: F811
    """Record an assessment with both manual items at `score` (no ratings: the
    data item has no score and leaves the mean)."""

    def record(engineer, day: str, score, assessor=None, **more):
        day = dt.date.fromisoformat(day)
        manual = {i.pk: score for i in template.items.filter(source=Source.MANUAL)}
        return services.record_assessment(
            engineer,
            assessor or kangding_supervisor,
            assessed_on=day,
            period_from=day - dt.timedelta(days=29),
            period_to=day,
            manual_scores=manual,
            **more,
        )

    return record
