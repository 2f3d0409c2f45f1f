"""The contract's rule as the people involved notice it: the 7-day deadline,
its reminders, re-assessments, missed deadlines and three failures in a row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from helpdesk_site.notices.models import Kind, Notice
from helpdesk_site.outbox.models import Kind as OutboxKind
from helpdesk_site.outbox.models import Message
from residency import services
from residency.models import DeadlineStatus, Event, EventKind, RetakeDeadline

pytestmark = pytest.mark.django_db


def notices_to(user):
    return list(
        Notice.objects.filter(recipient=user, kind=Kind.ASSESSMENT).values_list(
            "message", flat=True
        )
    )


def test_a_failure_sets_a_seven_day_deadline_and_tells_the_lead_and_the_supervisor(
    now, engineer, assess, team_lead, kangding_supervisor
):
    now.set("2026-09-30 16:00")
    failed = assess(engineer, "2026-09-30", 50)
    assert not failed.passed and failed.total == 50
    deadline = RetakeDeadline.objects.get(failed=failed)
    assert deadline.due_on.isoformat() == "2026-10-07"  # through the holiday: calendar days
    for person in (team_lead, kangding_supervisor):
        (message,) = notices_to(person)
        assert "2026-10-07" in message and "王运维" in message
    notice = Notice.objects.filter(recipient=team_lead).get()
    assert notice.link == reverse("residency:assessment", args=[failed.pk])
    mail = Message.objects.filter(kind=OutboxKind.MAIL, payload__to=[team_lead.email]).get()
    assert reverse("residency:assessment", args=[failed.pk]) in mail.payload["body"]


def test_reminders_come_3_days_and_1_day_before_and_on_the_last_day_each_once(
    now, engineer, assess, team_lead
):
    now.set("2026-09-30 16:00")
    assess(engineer, "2026-09-30", 50)
    now.set("2026-10-03 12:00")
    assert services.sweep() == 0
    assert len(notices_to(team_lead)) == 1
    now.set("2026-10-04 09:10")
    assert services.sweep() == 1
    assert services.sweep() == 0  # the next hour's sweep repeats nothing
    assert "剩余3天" in notices_to(team_lead)[0]
    now.set("2026-10-06 09:10")
    services.sweep()
    now.set("2026-10-07 09:10")
    services.sweep()
    assert "最后一天" in notices_to(team_lead)[0]
    assert len(notices_to(team_lead)) == 4
    assert Event.objects.filter(kind=EventKind.REMINDER).count() == 3


def test_a_pass_within_seven_days_clears_the_deadline(now, engineer, assess, team_lead):
    now.set("2026-09-30 16:00")
    failed = assess(engineer, "2026-09-30", 50)
    now.set("2026-10-07 15:00")
    passed = assess(engineer, "2026-10-07", 90)
    deadline = RetakeDeadline.objects.get(failed=failed)
    assert deadline.status == DeadlineStatus.CLEARED and deadline.closed_by == passed
    now.set("2026-10-08 09:10")
    assert services.sweep() == 0
    assert not Event.objects.filter(kind=EventKind.MISSED).exists()


def test_a_missed_deadline_is_flagged_to_the_prefecture_too(
    now, engineer, assess, team_lead, prefecture_supervisor
):
    now.set("2026-09-30 16:00")
    failed = assess(engineer, "2026-09-30", 50)
    now.set("2026-10-08 00:10")
    services.sweep()
    assert RetakeDeadline.objects.get(failed=failed).status == DeadlineStatus.MISSED
    (message,) = notices_to(prefecture_supervisor)
    assert "复核期限" in message and "已过" in message
    services.sweep()
    assert Event.objects.filter(kind=EventKind.MISSED).count() == 1
    # A late pass is noted, but the deadline stays missed.
    now.set("2026-10-09 10:00")
    late = assess(engineer, "2026-10-09", 90)
    deadline = RetakeDeadline.objects.get(failed=failed)
    assert deadline.status == DeadlineStatus.MISSED and deadline.closed_by == late


def test_three_failures_in_a_row_are_flagged_to_the_prefecture(
    now, engineer, assess, prefecture_supervisor
):
    now.set("2026-10-20 16:00")
    assess(engineer, "2026-10-01", 50)
    assess(engineer, "2026-10-06", 60)
    assert not notices_to(prefecture_supervisor)
    assess(engineer, "2026-10-12", 70)
    (message,) = notices_to(prefecture_supervisor)
    assert "连续3次" in message and "解除合同" in message
    assert Event.objects.filter(kind=EventKind.THREE_FAILURES).count() == 1
    statuses = list(RetakeDeadline.objects.order_by("due_on").values_list("status", flat=True))
    assert statuses == [DeadlineStatus.FAILED_AGAIN, DeadlineStatus.FAILED_AGAIN, "open"]


def test_a_pass_between_failures_starts_the_count_again(
    now, engineer, assess, prefecture_supervisor
):
    now.set("2026-10-30 16:00")
    assess(engineer, "2026-10-01", 50)
    assess(engineer, "2026-10-06", 50)
    assess(engineer, "2026-10-10", 90)
    assess(engineer, "2026-10-15", 50)
    assess(engineer, "2026-10-20", 50)
    assert not Event.objects.filter(kind=EventKind.THREE_FAILURES).exists()
    assert not notices_to(prefecture_supervisor)
    assess(engineer, "2026-10-25", 50)
    assert Event.objects.filter(kind=EventKind.THREE_FAILURES).count() == 1


def test_a_replacement_who_passes_clears_the_failed_engineers_deadline(
    now, engineer, assess, kangding_supervisor
):
    from residency.models import Engineer
    from tests.factories import OperatorFactory

    now.set("2026-10-03 16:00")
    failed = assess(engineer, "2026-10-01", 50)
    newcomer = Engineer.objects.create(user=OperatorFactory(), post_id="513301")
    assess(newcomer, "2026-10-03", 90, replaces=engineer)
    assert RetakeDeadline.objects.get(failed=failed).status == DeadlineStatus.CLEARED
    engineer.refresh_from_db()
    assert not engineer.active


def test_only_a_supervisor_of_the_engineers_region_assesses(
    now, engineer, assess, luding_supervisor, prefecture_supervisor, reporter
):
    now.set("2026-10-03 16:00")
    for outsider in (luding_supervisor, reporter, engineer.user):
        with pytest.raises(PermissionDenied):
            assess(engineer, "2026-10-01", 90, assessor=outsider)
    assert assess(engineer, "2026-10-01", 90, assessor=prefecture_supervisor).passed


def test_bad_dates_and_scores_are_refused_with_a_clear_message(now, engineer, assess):
    now.set("2026-10-03 16:00")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        assess(engineer, "2026-10-04", 90)
    with pytest.raises(ValidationError, match="0到100"):
        assess(engineer, "2026-10-01", 101)


def test_the_history_is_append_only(now, engineer, assess):
    now.set("2026-10-03 16:00")
    assess(engineer, "2026-10-01", 50)
    event = Event.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
