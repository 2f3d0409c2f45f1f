"""The life of a rectification item (整改事项); pure, no Django.

An item is 待整改 when created, 整改中 once the responsible department has
started, 已完成 with a completion note, and 已逾期 when its deadline (the end
of the N-th working day after the day it was created) passes first. An
overdue item may still be completed: it then reads 逾期完成 in reports.

Before its deadline passes, an item's deadline may be extended (延期, with a
reason): its status stays, and reports still judge 按期/逾期 against the first
deadline. An item may be withdrawn (已撤销, with a reason) at any time before
it is done; a withdrawn item is closed and never overdue. Its responsible
department is reminded once, a few working days before the deadline.
"""

import datetime as dt
from enum import StrEnum

from helpdesk_site.satisfaction.workdays import add_working_days
from sla import business_time as bt

MIN_WORKING_DAYS = 1
MAX_WORKING_DAYS = 120
DEFAULT_WORKING_DAYS = 15  # the convention for 整改 (as for a 差评's 回访整改)
REMIND_WORKING_DAYS_BEFORE = 2


class Status(StrEnum):
    PENDING = "pending"  # 待整改
    IN_PROGRESS = "in_progress"  # 整改中
    DONE = "done"  # 已完成
    OVERDUE = "overdue"  # 已逾期
    WITHDRAWN = "withdrawn"  # 已撤销


class Action(StrEnum):
    CREATE = "create"
    START = "start"
    COMPLETE = "complete"
    MARK_OVERDUE = "mark_overdue"
    EXTEND = "extend"
    WITHDRAW = "withdraw"
    REMIND = "remind"


# action: (the statuses it may leave, the status it leads to; None: unchanged)
TRANSITIONS = {
    Action.START: ({Status.PENDING}, Status.IN_PROGRESS),
    Action.COMPLETE: ({Status.PENDING, Status.IN_PROGRESS, Status.OVERDUE}, Status.DONE),
    Action.MARK_OVERDUE: ({Status.PENDING, Status.IN_PROGRESS}, Status.OVERDUE),
    Action.EXTEND: ({Status.PENDING, Status.IN_PROGRESS}, None),
    Action.WITHDRAW: ({Status.PENDING, Status.IN_PROGRESS, Status.OVERDUE}, Status.WITHDRAWN),
    Action.REMIND: ({Status.PENDING, Status.IN_PROGRESS}, None),
}
# What a person may do on the item's page (the others are the sweep's).
PERSONAL_ACTIONS = (Action.START, Action.COMPLETE, Action.EXTEND, Action.WITHDRAW)
OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS, Status.OVERDUE)


class TransitionRefused(ValueError):
    """An action the item's status does not allow."""

    def __init__(self, action: Action, status: Status):
        super().__init__(f"{action} is not allowed from {status}")
        self.action, self.status = action, status


def next_status(action: Action, status: Status) -> Status:
    """The status after `action`, or TransitionRefused."""
    allowed, after = TRANSITIONS[Action(action)]
    if Status(status) not in allowed:
        raise TransitionRefused(Action(action), Status(status))
    return Status(status) if after is None else after


def allowed_actions(status: Status) -> list[Action]:
    return [action for action in PERSONAL_ACTIONS if status in TRANSITIONS[action][0]]


def deadline_after(created: dt.datetime, working_days: int, calendar: bt.Calendar) -> dt.date:
    """The N-th working day after the local day of `created` (the day itself
    does not count, as in "15个工作日内"), on the same arithmetic as a 差评's
    follow-up: days off of the calendar, local holidays included, are
    skipped and 调休 working weekends counted."""
    if not MIN_WORKING_DAYS <= working_days <= MAX_WORKING_DAYS:
        raise ValueError(f"working days must be {MIN_WORKING_DAYS}–{MAX_WORKING_DAYS}")
    return add_working_days(created, working_days, calendar).date()


def extended_deadline(deadline: dt.date, working_days: int, calendar: bt.Calendar) -> dt.date:
    """The deadline moved N working days later on the calendar."""
    if not MIN_WORKING_DAYS <= working_days <= MAX_WORKING_DAYS:
        raise ValueError(f"working days must be {MIN_WORKING_DAYS}–{MAX_WORKING_DAYS}")
    start = dt.datetime.combine(deadline, dt.time(12), tzinfo=calendar.tz)
    return add_working_days(start, working_days, calendar).date()


def reminder_day(deadline: dt.date, calendar: bt.Calendar, before=REMIND_WORKING_DAYS_BEFORE):
    """The day the department is reminded: `before` working days ahead of
    the deadline (with 2, a Friday deadline is reminded on Wednesday)."""
    day, counted = deadline, 0
    while counted < before:
        day -= dt.timedelta(days=1)
        if calendar.periods_on(day):
            counted += 1
    return day


def reminder_due(deadline: dt.date, today: dt.date, calendar: bt.Calendar) -> bool:
    return reminder_day(deadline, calendar) <= today <= deadline


def is_past(deadline: dt.date, today: dt.date) -> bool:
    """An item is overdue from the day after its deadline."""
    return today > deadline


def status_on(events: list[tuple[dt.datetime, str]], deadline: dt.date, cutoff: dt.datetime):
    """The status an item had at `cutoff`, from its history (instant, status
    after) in order: the last change before the cutoff, and 已逾期 when the
    deadline had passed unfinished even if the sweep had not yet said so.
    None when the item did not yet exist."""
    status = None
    for at, after in events:
        if at >= cutoff:
            break
        status = Status(after)
    if status in (Status.PENDING, Status.IN_PROGRESS) and is_past(
        deadline, cutoff.astimezone(bt.SHANGHAI).date()
    ):
        return Status.OVERDUE
    return status


def completion_phrase(status, completed_on: dt.date | None, deadline: dt.date) -> str:
    """How a report names the outcome: 按期完成, 逾期完成, 整改中, 已逾期, 待整改,
    已撤销. `deadline` is the first one: an extension does not make a late
    completion timely."""
    if status == Status.DONE:
        return "逾期完成" if completed_on and completed_on > deadline else "按期完成"
    return {
        Status.PENDING: "待整改",
        Status.IN_PROGRESS: "整改中",
        Status.OVERDUE: "已逾期",
        Status.WITHDRAWN: "已撤销",
    }.get(status, "—")
