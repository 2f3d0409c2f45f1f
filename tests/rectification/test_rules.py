"""The item's life and deadline arithmetic, directly (no Django)."""

import datetime as dt

import pytest

from rectification import rules
from rectification.rules import Action, Status
from sla import business_time as bt

CALENDAR = bt.Calendar()


def local(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=bt.SHANGHAI)


def test_the_deadline_skips_the_national_holiday_and_counts_the_adjusted_saturday():
    # 2025: 10-01..10-08 off (国庆 and 中秋), Saturday 10-11 a working day (调休).
    assert rules.deadline_after(local("2025-09-30 10:00"), 3, CALENDAR) == dt.date(2025, 10, 11)
    # Without the holiday, three working days after Tuesday 11-04 is Friday.
    assert rules.deadline_after(local("2025-11-04 10:00"), 3, CALENDAR) == dt.date(2025, 11, 7)


def test_a_local_day_off_is_skipped():
    tibetan = bt.Calendar(local_days={dt.date(2025, 11, 11): False})
    assert rules.deadline_after(local("2025-11-10 23:30"), 2, tibetan) == dt.date(2025, 11, 13)
    assert rules.deadline_after(local("2025-11-10 23:30"), 2, CALENDAR) == dt.date(2025, 11, 12)


@pytest.mark.parametrize("days", [0, -1, rules.MAX_WORKING_DAYS + 1])
def test_a_deadline_outside_the_range_is_refused(days):
    with pytest.raises(ValueError):
        rules.deadline_after(local("2025-11-10 10:00"), days, CALENDAR)


def test_transitions_follow_the_ledger_order():
    assert rules.next_status(Action.START, Status.PENDING) == Status.IN_PROGRESS
    assert rules.next_status(Action.COMPLETE, Status.IN_PROGRESS) == Status.DONE
    assert rules.next_status(Action.COMPLETE, Status.OVERDUE) == Status.DONE
    assert rules.next_status(Action.MARK_OVERDUE, Status.PENDING) == Status.OVERDUE
    for action, status in [
        (Action.START, Status.IN_PROGRESS),
        (Action.START, Status.DONE),
        (Action.START, Status.OVERDUE),
        (Action.COMPLETE, Status.DONE),
        (Action.MARK_OVERDUE, Status.DONE),
        (Action.MARK_OVERDUE, Status.OVERDUE),
    ]:
        with pytest.raises(rules.TransitionRefused):
            rules.next_status(action, status)
    assert rules.allowed_actions(Status.DONE) == []


def test_the_status_at_a_cutoff_is_read_from_the_history():
    events = [
        (local("2025-11-12 10:00"), "pending"),
        (local("2025-11-14 09:00"), "in_progress"),
        (local("2025-11-20 16:00"), "done"),
    ]
    deadline = dt.date(2025, 11, 19)
    assert rules.status_on(events, deadline, local("2025-11-10 00:00")) is None
    assert rules.status_on(events, deadline, local("2025-11-17 00:00")) == Status.IN_PROGRESS
    # Past the deadline and not yet done: overdue, even before any sweep said so.
    assert rules.status_on(events, deadline, local("2025-11-20 00:00")) == Status.OVERDUE
    assert rules.status_on(events, deadline, local("2025-11-24 00:00")) == Status.DONE


def test_the_outcome_says_whether_it_was_done_in_time():
    deadline = dt.date(2025, 11, 19)
    assert rules.completion_phrase(Status.DONE, dt.date(2025, 11, 19), deadline) == "按期完成"
    assert rules.completion_phrase(Status.DONE, dt.date(2025, 11, 20), deadline) == "逾期完成"
    assert rules.completion_phrase(Status.OVERDUE, None, deadline) == "已逾期"
    assert rules.completion_phrase(Status.IN_PROGRESS, None, deadline) == "整改中"


def test_extending_and_withdrawing_follow_the_status():
    assert rules.next_status(rules.Action.EXTEND, Status.IN_PROGRESS) == Status.IN_PROGRESS
    with pytest.raises(rules.TransitionRefused):
        rules.next_status(rules.Action.EXTEND, Status.OVERDUE)
    assert rules.next_status(rules.Action.WITHDRAW, Status.OVERDUE) == Status.WITHDRAWN
    for closed in (Status.DONE, Status.WITHDRAWN):
        with pytest.raises(rules.TransitionRefused):
            rules.next_status(rules.Action.WITHDRAW, closed)
    assert rules.allowed_actions(Status.PENDING) == ["start", "complete", "extend", "withdraw"]
    assert rules.allowed_actions(Status.WITHDRAWN) == []


def test_a_withdrawn_item_reads_as_withdrawn_never_overdue():
    deadline = dt.date(2025, 11, 19)
    events = [(local("2025-11-12 10:00"), "pending"), (local("2025-11-13 10:00"), "withdrawn")]
    assert rules.status_on(events, deadline, local("2025-11-24 00:00")) == Status.WITHDRAWN
    assert rules.completion_phrase(Status.WITHDRAWN, None, deadline) == "已撤销"


def test_the_reminder_falls_two_working_days_before_the_deadline():
    # Friday 11-14 → Wednesday 11-12; Monday 11-17 → Thursday 11-13.
    assert rules.reminder_day(dt.date(2025, 11, 14), CALENDAR) == dt.date(2025, 11, 12)
    assert rules.reminder_day(dt.date(2025, 11, 17), CALENDAR) == dt.date(2025, 11, 13)
    # Just after National Day: back across the holiday to 09-30.
    assert rules.reminder_day(dt.date(2025, 10, 10), CALENDAR) == dt.date(2025, 9, 30)
    assert not rules.reminder_due(dt.date(2025, 11, 14), dt.date(2025, 11, 11), CALENDAR)
    assert rules.reminder_due(dt.date(2025, 11, 14), dt.date(2025, 11, 13), CALENDAR)
    assert not rules.reminder_due(dt.date(2025, 11, 14), dt.date(2025, 11, 15), CALENDAR)


def test_an_extension_counts_working_days_from_the_deadline():
    # Friday 11-14 + 3 working days = Wednesday 11-19; 09-30 + 1 = 10-09.
    assert rules.extended_deadline(dt.date(2025, 11, 14), 3, CALENDAR) == dt.date(2025, 11, 19)
    assert rules.extended_deadline(dt.date(2025, 9, 30), 1, CALENDAR) == dt.date(2025, 10, 9)
