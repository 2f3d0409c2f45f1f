"""The resident engineer's assessment takes "inspections done on time"
from the engineer's runs, like the SLA on-time rate from their tickets."""

import datetime as dt
from decimal import Decimal

import pytest

from inspections import services
from inspections.models import AnswerKind, Item
from inspections.services import Given
from residency import selectors as residency
from residency.models import AssessmentTemplate, Engineer, Source
from residency.services import record_assessment
from tests.inspections.conftest import make_plan

pytestmark = pytest.mark.django_db


def test_inspections_done_on_time_is_a_data_item_of_the_assessment(
    now, prefecture_supervisor, kangding_supervisor, centre, operator
):
    plan = make_plan(
        prefecture_supervisor,
        centre,
        operator,
        items=[Item(name="今日制证是否正常", kind=AnswerKind.STATUS)],
    )
    item = plan.items.get()

    def record(day, when):
        now.set(when)
        services.make_due_runs()
        run = plan.runs.get(due_on=dt.date.fromisoformat(day))
        services.record_run(run, operator, {item.pk: Given(choice="normal")})

    record("2026-10-08", "2026-10-08 09:00")  # on time
    record("2026-10-09", "2026-10-10 09:00")  # late
    now.set("2026-10-12 09:00")
    services.make_due_runs()
    services.flag_missed()  # 10-10 (a 调休 Saturday) missed; 10-12 still due today

    engineer = Engineer.objects.create(user=operator, post_id="513301")
    measured = residency.measure(engineer, dt.date(2026, 10, 1), dt.date(2026, 10, 12))
    found = measured[Source.INSPECTIONS]
    assert found.text == "1/3 按时巡检"
    assert found.score == Decimal("33.3")

    AssessmentTemplate.objects.all().delete()
    template = AssessmentTemplate.objects.create(name="考核表", pass_mark=60)
    template.items.create(name="业务能力", source=Source.MANUAL, weight=50, order=0)
    template.items.create(name="巡检按时完成率", source=Source.INSPECTIONS, weight=50, order=1)
    manual = template.items.get(source=Source.MANUAL)
    assessment = record_assessment(
        engineer,
        kangding_supervisor,
        assessed_on=dt.date(2026, 10, 12),
        period_from=dt.date(2026, 10, 1),
        period_to=dt.date(2026, 10, 12),
        manual_scores={manual.pk: 90},
    )
    score = assessment.scores.get(source=Source.INSPECTIONS)
    assert (score.measured, score.score) == ("1/3 按时巡检", Decimal("33.3"))
    assert assessment.total == Decimal("61.7") and assessment.passed


def test_no_runs_due_leaves_the_item_out(operator):
    engineer = Engineer.objects.create(user=operator, post_id="513301")
    found = residency.measure(engineer, dt.date(2026, 10, 1), dt.date(2026, 10, 12))[
        Source.INSPECTIONS
    ]
    assert found.score is None and found.text == "期间无应巡检任务"
