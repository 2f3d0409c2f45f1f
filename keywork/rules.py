"""The life of a key-work item (重点工作事项) and its deadlines; pure, no Django.

An item is 未开始 when entered, 推进中 once work on it has begun (or the first
progress update arrives), 已完成 when done, 已逾期 when one of its deadlines
(a milestone's, or the item's own completion date) passed unmet and the
supervisors were told, and 已取消 with a reason. A late item is still
worked: once nothing is overdue any more it is 推进中 again, and it may be
completed. An item is done when its milestones are; marking it done with
milestones still open needs a stated reason. A material submission (材料报送)
is done when its file is submitted.

Deadlines run on the business calendar: the owners are reminded a few
working days before a deadline, and the supervisors hear of a missed one on
the first working day after it (a deadline missed on Friday is escalated on
Monday, not over the weekend).
"""

import datetime as dt
from enum import StrEnum

from sla import business_time as bt

REMIND_WORKING_DAYS_BEFORE = 3


class Status(StrEnum):
    NOT_STARTED = "not_started"  # 未开始
    IN_PROGRESS = "in_progress"  # 推进中
    DONE = "done"  # 已完成
    LATE = "late"  # 已逾期
    CANCELLED = "cancelled"  # 已取消


class Action(StrEnum):
    CREATE = "create"
    START = "start"
    COMPLETE = "complete"
    MARK_LATE = "mark_late"
    CATCH_UP = "catch_up"
    CANCEL = "cancel"
    REOPEN = "reopen"


OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.LATE)

# action: (the statuses it may leave, the status it leads to)
TRANSITIONS = {
    Action.START: ({Status.NOT_STARTED}, Status.IN_PROGRESS),
    Action.COMPLETE: (set(OPEN_STATUSES), Status.DONE),
    Action.MARK_LATE: ({Status.NOT_STARTED, Status.IN_PROGRESS}, Status.LATE),
    Action.CATCH_UP: ({Status.LATE}, Status.IN_PROGRESS),
    Action.CANCEL: (set(OPEN_STATUSES), Status.CANCELLED),
    Action.REOPEN: ({Status.DONE, Status.CANCELLED}, Status.IN_PROGRESS),
}
# What a supervisor may do on the item's page (the others follow from work).
PERSONAL_ACTIONS = (Action.START, Action.COMPLETE, Action.CANCEL, Action.REOPEN)


class TransitionRefused(ValueError):
    """An action the item's status does not allow."""

    def __init__(self, action: Action, status: Status):
        super().__init__(f"{action} is not allowed from {status}")
        self.action, self.status = action, status


class OpenMilestones(ValueError):
    """Done was asked while milestones are open, without a reason."""

    def __init__(self, count: int):
        super().__init__(f"{count} milestone(s) still open")
        self.count = count


def next_status(action: Action, status: Status) -> Status:
    allowed, after = TRANSITIONS[Action(action)]
    if Status(status) not in allowed:
        raise TransitionRefused(Action(action), Status(status))
    return after


def allowed_actions(status: Status) -> list[Action]:
    return [a for a in PERSONAL_ACTIONS if Status(status) in TRANSITIONS[a][0]]


def check_completion(open_milestones: int, reason: str) -> None:
    """An item with open milestones is done only when someone says why."""
    if open_milestones and not reason.strip():
        raise OpenMilestones(open_milestones)


def is_past(deadline: dt.date, today: dt.date) -> bool:
    """A deadline is missed from the day after it."""
    return today > deadline


def reminder_day(
    deadline: dt.date, calendar: bt.Calendar, before: int = REMIND_WORKING_DAYS_BEFORE
) -> dt.date:
    """The working day `before` working days ahead of the deadline (with 3,
    a Monday deadline is reminded on the Wednesday before; holidays in
    between are skipped, a 调休 Saturday counts)."""
    day, counted = deadline, 0
    while counted < before:
        day -= dt.timedelta(days=1)
        if calendar.periods_on(day):
            counted += 1
    return day


def reminder_due(deadline: dt.date, today: dt.date, calendar: bt.Calendar, before: int) -> bool:
    """From the reminder day until the deadline itself; never on a day off
    (the reminder waits for the next working day)."""
    return reminder_day(deadline, calendar, before) <= today <= deadline and bool(
        calendar.periods_on(today)
    )


def escalation_day(deadline: dt.date, calendar: bt.Calendar) -> dt.date:
    """The first working day after the deadline."""
    day = deadline + dt.timedelta(days=1)
    while not calendar.periods_on(day):
        day += dt.timedelta(days=1)
    return day


def escalation_due(deadline: dt.date, today: dt.date, calendar: bt.Calendar) -> bool:
    return today >= escalation_day(deadline, calendar)


def progress(done: int, total: int) -> int | None:
    """Milestones done as a whole percentage, None without milestones."""
    if total <= 0:
        return None
    return round(100 * done / total)
