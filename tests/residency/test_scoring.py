"""Data items read the same figures as the reports, for the tickets assigned
to the engineer in the assessed days."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from helpdesk_site.regions.models import Region
from reporting import selectors as report_selectors
from reporting.periods import containing
from residency import services
from residency.models import AssessmentTemplate, Engineer, Source
from tests.reporting.conftest import week  # noqa: F401  a week with known answers
from tests.satisfaction.conftest import (  # noqa: F401  fixtures the week needs
    file_at,
    kangding_reporter,
    luding_reporter,
    resolve_at,
)

pytestmark = pytest.mark.django_db


def test_data_items_agree_with_the_dashboards_operator_figures(week, kangding_supervisor):  # noqa: F811
    AssessmentTemplate.objects.all().delete()
    services.ensure_template()
    template = AssessmentTemplate.objects.get()
    engineer = Engineer.objects.create(user=week["operator"], post_id="513301")
    manual = {i.pk: 90 for i in template.items.filter(source=Source.MANUAL)}
    assessment = services.record_assessment(
        engineer,
        kangding_supervisor,
        assessed_on=dt.date(2025, 11, 17),
        period_from=dt.date(2025, 11, 10),
        period_to=dt.date(2025, 11, 16),
        manual_scores=manual,
    )
    scores = {s.source: s for s in assessment.scores.all()}

    period = containing("week", dt.date(2025, 11, 12))
    filters = report_selectors.Filters(period, Region.objects.get(code="513300"))
    scope = report_selectors.scope_for(filters)
    rows = report_selectors.operators(scope, period, timezone.now())
    (row,) = [r for r in rows if r["id"] == week["operator"].pk]
    sla = scores[Source.SLA_ON_TIME]
    assert sla.score == Decimal(str(round(row["compliance"] * 100, 1)))
    assert sla.measured == f"{row['met']}/{row['resolved']} 按时解决"
    # A rated 5, B rated 1 (a 差评): half the ratings are not 差评.
    assert scores[Source.SATISFACTION].score == Decimal("50.0")
    assert scores[Source.SATISFACTION].measured == "1/2 非差评"
    assert scores[Source.MANUAL].score == Decimal("90.0")
    # The total is the weighted mean of the six items, against the pass mark 85.
    weights = {s.pk: s.weight for s in assessment.scores.all()}
    expected = sum(s.score * weights[s.pk] for s in assessment.scores.all()) / 100
    assert assessment.total == expected.quantize(Decimal("0.1"))
    assert assessment.passed == (assessment.total >= Decimal(85))
