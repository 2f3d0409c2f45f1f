"""The yearly plan against the floor of four rounds, and the supervisor's
warning when the year risks missing it."""

import pytest
from django.urls import reverse

from helpdesk_site.notices.models import Kind, Notice
from training import services
from training.models import TrainingPlan

from .conftest import make_session


def test_plan_page_counts_rounds_held_and_planned(client, now, plan, prefecture_supervisor):
    make_session(plan, "2026-03-10T09:00")
    make_session(plan, "2026-06-10T09:00")
    make_session(plan, "2026-09-10T09:00", cancelled=True)
    make_session(plan, "2026-11-10T09:00")
    now.set("2026-07-01T10:00")
    client.force_login(prefecture_supervisor)
    page = client.get(reverse("training:plan", args=[plan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-held>2<" in html and "data-scheduled>1<" in html
    assert "今年还需安排1期" in html


def test_supervisor_creates_a_plan_of_at_least_four_rounds(client, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    refused = client.post(reverse("training:index"), {"plan-year": 2027, "plan-min_rounds": 3})
    assert refused.status_code == 400
    assert not TrainingPlan.objects.filter(year=2027).exists()
    made = client.post(reverse("training:index"), {"plan-year": 2027, "plan-min_rounds": 4})
    plan = TrainingPlan.objects.get(year=2027)
    assert made.status_code == 302 and made["Location"] == reverse("training:plan", args=[plan.pk])
    assert plan.region.code == "513300"


def test_clerk_cannot_plan(client, clerk):
    client.force_login(clerk)
    assert client.post(reverse("training:index"), {"plan-year": 2027}).status_code == 403


def test_year_at_risk_warns_the_prefecture_supervisor_once_a_week(
    now, plan, prefecture_supervisor, kangding_supervisor
):
    make_session(plan, "2026-04-10T09:00")
    now.set("2026-10-12T09:00")
    assert services.warn_plans_at_risk() == 1
    notice = Notice.objects.get()
    assert notice.recipient == prefecture_supervisor
    assert notice.kind == Kind.TRAINING
    assert notice.link == reverse("training:plan", args=[plan.pk])
    assert "已举办1期" in notice.message and "再安排3期" in notice.message
    now.set("2026-10-14T09:00")
    assert services.warn_plans_at_risk() == 0
    now.set("2026-10-19T09:00")
    assert services.warn_plans_at_risk() == 1
    assert Notice.objects.count() == 2


@pytest.mark.parametrize("when", ["2026-03-02T09:00", "2026-10-12T09:00"])
def test_no_warning_when_the_year_is_on_track(now, plan, prefecture_supervisor, when):
    for month in (4, 7, 10, 12):
        make_session(plan, f"2026-{month:02d}-15T09:00")
    now.set(when)
    assert services.warn_plans_at_risk() == 0
    assert not Notice.objects.exists()
