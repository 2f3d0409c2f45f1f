"""The operator hears of each run on its due day, once; runs the beat makes
after their day (it was down) send nothing."""

import datetime as dt

import pytest

from helpdesk_site.notices.models import Kind, Notice
from inspections import services, tasks

pytestmark = pytest.mark.django_db


def test_one_notice_per_run_on_its_day_and_none_for_the_past(now, licence_plan, operator):
    now.set("2026-10-12 08:00")  # the beat was down since 10-08
    tasks.sweep.delay()
    tasks.sweep.delay()
    assert licence_plan.runs.count() == 4  # 10-08, 09, 10 (a 调休 Saturday) and 12
    told = Notice.objects.filter(recipient=operator, kind=Kind.INSPECTION)
    today = licence_plan.runs.get(due_on=dt.date(2026, 10, 12))
    assert told.count() == 1
    notice = told.get()
    assert notice.link == f"/inspections/runs/{today.pk}/"
    assert "电子证照日常巡检" in notice.message and "电子证照" in notice.message

    now.set("2026-10-13 07:30")
    services.sweep()
    services.sweep()
    assert told.count() == 2
    assert (
        told.filter(
            link=f"/inspections/runs/{licence_plan.runs.get(due_on=dt.date(2026, 10, 13)).pk}/"
        ).count()
        == 1
    )


def test_a_run_already_recorded_is_not_announced(now, licence_plan, operator):
    now.set("2026-10-08 08:00")
    services.make_due_runs()
    run = licence_plan.runs.get()
    run.status = "done"
    run.save(update_fields=["status"])
    assert services.tell_operators() == 0
    assert not Notice.objects.filter(recipient=operator).exists()
