"""Inspections and spot checks (巡检/抽检); pure, no Django.

When a run falls due: a plan's frequency divides time into periods (a day,
a week from Monday, a calendar month) and each period has at most one due
working day on the business calendar:
- daily: the day itself, if it is a working day;
- weekly: the plan's weekday, or else the first working day after it in the
  same week, or else the last working day before it in that week;
- monthly: the plan's day of the month (the month's last day when shorter),
  moved the same way within the month.
A period with no working day at all (a week of the Spring Festival) has no run.

A run is done on time when recorded by the end of its due day (local time);
after that it is missed, and if recorded later, late.

Answers: a status (正常/异常), a number with thresholds (above the upper or
below the lower one is abnormal), a text or a screenshot (abnormal when the
operator says so), or a number per county (超期件: abnormal when any county is
beyond a threshold).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

# How far back the beat makes runs it missed (a beat that was down a while).
CATCH_UP_DAYS = 35


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class AnswerKind(StrEnum):
    STATUS = "status"  # 正常/异常
    NUMBER = "number"  # a number with thresholds
    TEXT = "text"
    SCREENSHOT = "screenshot"
    COUNTY_NUMBERS = "county_numbers"  # a number per county (超期件)


NORMAL, ABNORMAL = "normal", "abnormal"
# The kinds whose abnormality the operator states with a tick.
FLAGGED_KINDS = (AnswerKind.TEXT, AnswerKind.SCREENSHOT)
THRESHOLD_KINDS = (AnswerKind.NUMBER, AnswerKind.COUNTY_NUMBERS)


def period_start(frequency: Frequency, day: dt.date) -> dt.date:
    """The first day of the period holding `day`."""
    if frequency == Frequency.DAILY:
        return day
    if frequency == Frequency.WEEKLY:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(frequency: Frequency, start: dt.date) -> dt.date:
    """The day after the period's last day."""
    if frequency == Frequency.DAILY:
        return start + dt.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _target(frequency: Frequency, start: dt.date, weekday: int, day_of_month: int) -> dt.date:
    if frequency == Frequency.DAILY:
        return start
    if frequency == Frequency.WEEKLY:
        return start + dt.timedelta(days=min(max(weekday, 1), 7) - 1)
    last = period_end(frequency, start) - dt.timedelta(days=1)
    return start.replace(day=min(max(day_of_month, 1), last.day))


def due_day(
    frequency: Frequency,
    start: dt.date,
    is_working: Callable[[dt.date], bool],
    weekday: int = 1,
    day_of_month: int = 1,
) -> dt.date | None:
    """The period's due working day, or None when the period has none."""
    frequency = Frequency(frequency)
    end = period_end(frequency, start)
    target = _target(frequency, start, weekday, day_of_month)
    day = target
    while day < end:
        if is_working(day):
            return day
        day += dt.timedelta(days=1)
    day = target - dt.timedelta(days=1)
    while day >= start:
        if is_working(day):
            return day
        day -= dt.timedelta(days=1)
    return None


def due_runs(
    frequency: Frequency,
    first: dt.date,
    last: dt.date,
    is_working: Callable[[dt.date], bool],
    weekday: int = 1,
    day_of_month: int = 1,
) -> list[tuple[dt.date, dt.date]]:
    """(period start, due day) of every run due on a day in [first, last]."""
    frequency = Frequency(frequency)
    found = []
    start = period_start(frequency, first)
    while start <= last:
        due = due_day(frequency, start, is_working, weekday, day_of_month)
        if due is not None and first <= due <= last:
            found.append((start, due))
        start = period_end(frequency, start)
    return found


def is_late(due: dt.date, done_on: dt.date) -> bool:
    """Recorded after the end of the due day."""
    return done_on > due


def is_missed(due: dt.date, today: dt.date) -> bool:
    """Not recorded and the due day is over."""
    return today > due


def parse_number(text) -> Decimal:
    """A number as typed (full-width digits and a comma for thousands
    allowed), or ValueError."""
    if isinstance(text, Decimal):
        value = text
    else:
        cleaned = str(text).strip().translate(FULL_WIDTH).replace(",", "")
        if not cleaned:
            raise ValueError("empty")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as error:
            raise ValueError("not a number") from error
    if not value.is_finite():
        raise ValueError("not a number")
    if abs(value) > LARGEST:
        raise ValueError("too large")
    return value.quantize(HUNDREDTH)


# What an answer holds (12 digits, 2 after the point).
LARGEST = Decimal("9999999999.99")
HUNDREDTH = Decimal("0.01")
FULL_WIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")


@dataclass(frozen=True)
class Thresholds:
    above: Decimal | None = None  # abnormal when a value is greater
    below: Decimal | None = None  # abnormal when a value is smaller

    def check(self) -> None:
        """ValueError when the range is empty (nothing could be normal)."""
        if self.above is not None and self.below is not None and self.below > self.above:
            raise ValueError("the lower threshold is above the upper one")

    def breached(self, value: Decimal) -> bool:
        return (self.above is not None and value > self.above) or (
            self.below is not None and value < self.below
        )

    def describe(self) -> str:
        """The normal range in words, e.g. 正常范围：≤ 5."""
        if self.above is not None and self.below is not None:
            return f"{plain(self.below)}–{plain(self.above)}"
        if self.above is not None:
            return f"≤ {plain(self.above)}"
        if self.below is not None:
            return f"≥ {plain(self.below)}"
        return ""


NO_THRESHOLDS = Thresholds()


def plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_abnormal(
    kind: AnswerKind,
    *,
    choice: str = "",
    number: Decimal | None = None,
    counts: dict | None = None,
    flagged: bool = False,
    thresholds: Thresholds = NO_THRESHOLDS,
) -> bool:
    kind = AnswerKind(kind)
    if kind == AnswerKind.STATUS:
        return choice == ABNORMAL
    if kind == AnswerKind.NUMBER:
        return number is not None and thresholds.breached(number)
    if kind == AnswerKind.COUNTY_NUMBERS:
        return any(thresholds.breached(Decimal(n)) for n in (counts or {}).values())
    return flagged


def breaching_counties(counts: dict, thresholds: Thresholds) -> list:
    """The counties (keys) whose number is beyond a threshold, largest first."""
    over = [key for key, n in counts.items() if thresholds.breached(Decimal(n))]
    return sorted(over, key=lambda key: (-counts[key], key))


def on_time_rate(done_on_time: int, due: int) -> float | None:
    """Share of due runs done on time; None when none fell due."""
    return done_on_time / due if due else None
