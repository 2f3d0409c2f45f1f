"""Runs made by the beat on the business calendar, answers that file (or
join) tickets, missed and late runs flagged to the supervisors once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from helpdesk.models import Ticket

from helpdesk_site.notices.models import Kind, Notice
from helpdesk_site.tickets import services as tickets
from helpdesk_site.tickets.uploads import check_upload
from inspections import services, tasks
from inspections.models import Run, RunStatus
from inspections.services import Given
from tests.factories import PNG
from tests.inspections.conftest import counties

pytestmark = pytest.mark.django_db


def d(text):
    return dt.date.fromisoformat(text)


def screenshot():
    return check_upload(SimpleUploadedFile("制证.png", PNG, content_type="image/png"))


def answers(plan, *, status="normal", count="5", flagged=False):
    items = {i.name: i for i in plan.items.all()}
    return {
        items["今日制证是否正常"].pk: Given(choice=status),
        items["今日制证数量"].pk: Given(number=Decimal(count)),
        items["制证页面截图"].pk: Given(upload=screenshot(), flagged=flagged),
    }


def test_the_beat_makes_one_run_per_working_day_and_never_twice(now, licence_plan, overdue_plan):
    licence_plan.starts_on = overdue_plan.starts_on = d("2026-09-28")
    licence_plan.save()
    overdue_plan.save()
    now.set("2026-10-12 08:00")
    tasks.sweep.delay()
    tasks.sweep.delay()
    days = list(licence_plan.runs.order_by("due_on").values_list("due_on", flat=True))
    assert days == [
        d(x)
        for x in (
            "2026-09-28",
            "2026-09-29",
            "2026-09-30",
            "2026-10-08",
            "2026-10-09",
            "2026-10-10",
            "2026-10-12",
        )
    ]
    weekly = list(overdue_plan.runs.order_by("due_on").values_list("due_on", flat=True))
    assert weekly == [d("2026-09-28"), d("2026-10-08"), d("2026-10-12")]
    assert services.make_due_runs() == 0


def test_an_abnormal_answer_files_one_ticket_and_the_next_joins_it(now, licence_plan, operator):
    now.set("2026-10-08 09:30")
    services.make_due_runs()
    first = licence_plan.runs.get(due_on=d("2026-10-08"))
    services.record_run(
        first, operator, answers(licence_plan, status="abnormal"), note="签章服务不可用"
    )
    finding = first.answers.get(abnormal=True)
    ticket = finding.ticket
    assert finding.opened_ticket
    assert ticket.queue == licence_plan.subsystem.queue
    assert ticket.details.department == licence_plan.department
    assert f"/inspections/runs/{first.pk}/" in ticket.description
    assert "签章服务不可用" in ticket.description
    assert first.answers.filter(abnormal=True).count() == 1  # the count (5) is normal

    now.set("2026-10-09 09:30")
    services.make_due_runs()
    second = licence_plan.runs.get(due_on=d("2026-10-09"))
    services.record_run(second, operator, answers(licence_plan, status="abnormal", count="0"))
    status_answer = second.answers.get(item__name="今日制证是否正常")
    count_answer = second.answers.get(item__name="今日制证数量")
    assert status_answer.ticket == ticket and not status_answer.opened_ticket
    assert f"/inspections/runs/{second.pk}/" in ticket.followup_set.last().comment
    # Another item's finding files its own ticket: one per item.
    assert count_answer.abnormal and count_answer.opened_ticket
    assert Ticket.objects.count() == 2

    # Once the ticket is closed, the item's next finding files a new one.
    tickets.close_ticket(user=operator, ticket=ticket, comment="签章服务已恢复")
    now.set("2026-10-10 09:30")
    services.make_due_runs()
    third = licence_plan.runs.get(due_on=d("2026-10-10"))
    services.record_run(third, operator, answers(licence_plan, status="abnormal"))
    assert third.answers.get(item__name="今日制证是否正常").ticket != ticket
    assert Ticket.objects.count() == 3


def test_a_screenshot_flagged_abnormal_is_attached_to_its_ticket(now, licence_plan, operator):
    now.set("2026-10-08 10:00")
    services.make_due_runs()
    run = licence_plan.runs.get()
    services.record_run(run, operator, answers(licence_plan, flagged=True))
    ticket = run.answers.get(abnormal=True).ticket
    attachment = ticket.followup_set.first().followupattachment_set.get()
    assert attachment.filename.endswith(".png")


def test_a_missed_run_is_flagged_once_and_a_late_one_once(
    now, licence_plan, operator, prefecture_supervisor
):
    now.set("2026-10-08 09:00")
    services.make_due_runs()
    run = licence_plan.runs.get()
    now.set("2026-10-08 23:59")
    assert services.flag_missed() == 0  # the due day is not over
    now.set("2026-10-09 00:15")
    assert services.flag_missed() == 1
    assert services.flag_missed() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.MISSED
    missed = Notice.objects.filter(recipient=prefecture_supervisor, kind=Kind.INSPECTION)
    assert missed.count() == 1
    assert missed.get().link == f"/inspections/runs/{run.pk}/"

    now.set("2026-10-09 10:00")
    services.record_run(run, operator, answers(licence_plan))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.late
    assert missed.count() == 2
    with pytest.raises(ValidationError):
        services.record_run(run, operator, answers(licence_plan))
    assert missed.count() == 2


def test_only_the_operator_of_the_run_records_it_and_every_item_is_answered(
    now, licence_plan, operator, other_operator
):
    now.set("2026-10-08 09:00")
    services.make_due_runs()
    run = licence_plan.runs.get()
    with pytest.raises(PermissionDenied):
        services.record_run(run, other_operator, answers(licence_plan))
    partial = answers(licence_plan)
    partial.popitem()
    with pytest.raises(ValidationError) as error:
        services.record_run(run, operator, partial)
    assert "请回答" in str(error.value)
    assert Run.objects.get(pk=run.pk).status == RunStatus.PENDING


def test_a_plan_operator_must_work_the_subsystem_and_a_paused_plan_drops_its_placeholders(
    now, licence_plan, prefecture_supervisor, other_operator, operator
):
    other_operator.user_permissions.clear()
    licence_plan.operator = other_operator
    with pytest.raises(ValidationError):
        services.save_plan(prefecture_supervisor, licence_plan, list(licence_plan.items.all()))
    now.set("2026-10-08 09:00")
    licence_plan.operator = operator
    services.make_due_runs()
    licence_plan.active = False
    services.save_plan(prefecture_supervisor, licence_plan, list(licence_plan.items.all()))
    assert not licence_plan.runs.exists()


def test_a_county_supervisor_cannot_set_up_a_prefecture_plan(licence_plan, kangding_supervisor):
    with pytest.raises(PermissionDenied):
        services.save_plan(kangding_supervisor, licence_plan, list(licence_plan.items.all()))


def test_county_numbers_are_kept_per_county(now, overdue_plan, operator):
    now.set("2026-10-12 09:00")
    services.make_due_runs()
    run = overdue_plan.runs.get(due_on=d("2026-10-12"))
    item = overdue_plan.items.get()
    counts = {c.code: 0 for c in counties()}
    counts["513334"] = 12  # 理塘县
    services.record_run(run, operator, {item.pk: Given(counts=counts)})
    answer = run.answers.get()
    assert answer.abnormal
    assert answer.counts.count() == len(counties())
    assert "理塘县 12" in answer.ticket.description


def test_an_item_with_answers_is_retired_not_deleted(
    now, licence_plan, operator, prefecture_supervisor
):
    now.set("2026-10-08 09:00")
    services.make_due_runs()
    services.record_run(licence_plan.runs.get(), operator, answers(licence_plan))
    answered = licence_plan.items.get(name="今日制证数量")
    unused = licence_plan.items.create(name="备用检查项", kind="text", order=9)
    kept = list(licence_plan.items.exclude(pk__in=[answered.pk, unused.pk]))
    services.save_plan(prefecture_supervisor, licence_plan, kept, [answered, unused])
    answered.refresh_from_db()
    assert not answered.active and answered.answers.count() == 1
    assert not licence_plan.items.filter(pk=unused.pk).exists()
