"""Key work's status rules and deadline arithmetic, directly (no Django)."""

import datetime as dt

import pytest

from keywork import rules
from keywork.rules import Action, Status
from sla import business_time as bt

CALENDAR = bt.Calendar()
D = dt.date.fromisoformat


def test_the_reminder_falls_three_working_days_before_skipping_the_weekend():
    # Monday 11-16: Friday, Thursday, Wednesday.
    assert rules.reminder_day(D("2026-11-16"), CALENDAR) == D("2026-11-11")
    assert not rules.reminder_due(D("2026-11-16"), D("2026-11-10"), CALENDAR, 3)
    assert rules.reminder_due(D("2026-11-16"), D("2026-11-11"), CALENDAR, 3)
    # Not on the Saturday in between: the reminder waits for a working day.
    assert not rules.reminder_due(D("2026-11-16"), D("2026-11-14"), CALENDAR, 3)
    assert not rules.reminder_due(D("2026-11-16"), D("2026-11-17"), CALENDAR, 3)


def test_the_reminder_skips_the_national_holiday():
    # 2026: 10-01..10-07 off; three working days before Friday 10-09 are
    # 10-08, 09-30 and 09-29.
    assert rules.reminder_day(D("2026-10-09"), CALENDAR) == D("2026-09-29")


def test_a_missed_deadline_escalates_on_the_first_working_day_after_it():
    # Friday 11-13 → Monday 11-16, not over the weekend.
    assert rules.escalation_day(D("2026-11-13"), CALENDAR) == D("2026-11-16")
    assert not rules.escalation_due(D("2026-11-13"), D("2026-11-14"), CALENDAR)
    assert rules.escalation_due(D("2026-11-13"), D("2026-11-16"), CALENDAR)
    # Wednesday 09-30, before National Day → Thursday 10-08.
    assert rules.escalation_day(D("2026-09-30"), CALENDAR) == D("2026-10-08")
    # A local day off (藏历新年, say) is skipped too.
    local = bt.Calendar(local_days={D("2026-11-16"): False})
    assert rules.escalation_day(D("2026-11-13"), local) == D("2026-11-17")


def test_done_with_open_milestones_needs_a_reason():
    with pytest.raises(rules.OpenMilestones):
        rules.check_completion(2, "  ")
    rules.check_completion(2, "上级文件调整，其余节点不再推进")
    rules.check_completion(0, "")


def test_transitions():
    assert rules.next_status(Action.START, Status.NOT_STARTED) == Status.IN_PROGRESS
    assert rules.next_status(Action.COMPLETE, Status.LATE) == Status.DONE
    assert rules.next_status(Action.MARK_LATE, Status.IN_PROGRESS) == Status.LATE
    assert rules.next_status(Action.CATCH_UP, Status.LATE) == Status.IN_PROGRESS
    assert rules.next_status(Action.REOPEN, Status.CANCELLED) == Status.IN_PROGRESS
    for action, status in [
        (Action.START, Status.IN_PROGRESS),
        (Action.COMPLETE, Status.DONE),
        (Action.COMPLETE, Status.CANCELLED),
        (Action.CANCEL, Status.DONE),
        (Action.MARK_LATE, Status.LATE),
        (Action.MARK_LATE, Status.DONE),
    ]:
        with pytest.raises(rules.TransitionRefused):
            rules.next_status(action, status)
    assert rules.allowed_actions(Status.DONE) == [Action.REOPEN]
    assert rules.allowed_actions(Status.NOT_STARTED) == [
        Action.START,
        Action.COMPLETE,
        Action.CANCEL,
    ]


def test_progress_is_a_whole_percentage():
    assert rules.progress(1, 3) == 33
    assert rules.progress(0, 0) is None
