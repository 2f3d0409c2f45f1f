"""The resident engineer's assessment (驻场考核); pure, no Django.

Scoring: every item is scored 0–100, by the assessor or from the desk's
figures for the assessed period; the total is the weighted mean of the items
that have a score (an item with no data for the period, e.g. no ratings,
leaves the mean rather than counting as 0). The verdict is a pass when the
total reaches the template's pass mark.

The contract's rule: a failed assessment obliges the contractor to retrain or
replace the engineer within 7 days — calendar days, as the contract writes
them, not working days — and have them assessed again. The deadline is the
end of the 7th day after the day of the failed assessment. Three failures in
a row (no pass between them) allow the client to end the contract.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

RETAKE_DAYS = 7
CONSECUTIVE_FAILURES_LIMIT = 3
# Reminders before the deadline's last day, in days left (0: the last day).
REMINDER_DAYS_LEFT = (3, 1, 0)
MAX_SCORE = Decimal(100)
DEFAULT_PASS_MARK = Decimal(85)
# (item, source, weight) of the assessment as first shipped.
DEFAULT_ITEMS = (
    ("服务按时率（SLA按时解决率）", "sla_on_time", 30),
    ("响应时效", "response_time", 10),
    ("解决时效", "resolution_time", 10),
    ("好差评（非差评占比）", "satisfaction", 20),
    ("业务能力与平台熟练程度", "manual", 15),
    ("工作纪律与服务态度", "manual", 15),
)


class Source(StrEnum):
    """Where an item's score comes from."""

    MANUAL = "manual"  # scored by the assessor
    SLA_ON_TIME = "sla_on_time"  # share of resolutions within their SLA
    RESPONSE_TIME = "response_time"  # median first response against its target
    RESOLUTION_TIME = "resolution_time"  # median resolution against its target
    SATISFACTION = "satisfaction"  # 好差评: share of ratings that are not 差评
    INSPECTIONS = "inspections"  # share of the engineer's due inspections done on time


DATA_SOURCES = tuple(s for s in Source if s != Source.MANUAL)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score_rate(rate: float | None) -> Decimal | None:
    """A share (0–1) as a score out of 100; None when there was nothing to count."""
    if rate is None:
        return None
    return _round(min(max(Decimal(str(rate)), Decimal(0)), Decimal(1)) * MAX_SCORE)


def score_time(median_minutes: float | None, target_minutes: float | None) -> Decimal | None:
    """Full marks when the median time is within its target; beyond it, the
    target's share of the median (twice the target scores 50)."""
    if median_minutes is None or not target_minutes:
        return None
    if median_minutes <= target_minutes:
        return MAX_SCORE
    return _round(Decimal(str(target_minutes)) / Decimal(str(median_minutes)) * MAX_SCORE)


def check_manual_score(value) -> Decimal:
    """An assessor's score: a number from 0 to 100, or ValueError."""
    try:
        score = Decimal(str(value).strip())
    except (ArithmeticError, ValueError) as error:
        raise ValueError("not a number") from error
    if not score.is_finite() or not Decimal(0) <= score <= MAX_SCORE:
        raise ValueError("out of range")
    return _round(score)


@dataclass(frozen=True)
class ItemScore:
    weight: int
    score: Decimal | None  # None: no data for the period


@dataclass(frozen=True)
class Result:
    total: Decimal | None
    passed: bool
    weight_scored: int


def total_of(items: list[ItemScore], pass_mark: Decimal) -> Result:
    """The weighted mean of the scored items and the verdict. With no item
    scored there is no total, and no pass."""
    scored = [i for i in items if i.score is not None and i.weight > 0]
    weight = sum(i.weight for i in scored)
    if not weight:
        return Result(None, False, 0)
    total = _round(sum(i.score * i.weight for i in scored) / Decimal(weight))
    return Result(total, total >= pass_mark, weight)


def retake_due(failed_on: dt.date) -> dt.date:
    """The last day on which the re-assessment is in time."""
    return failed_on + dt.timedelta(days=RETAKE_DAYS)


def days_left(due: dt.date, today: dt.date) -> int:
    """Calendar days left before the deadline's last day (0 on that day,
    negative once it has passed)."""
    return (due - today).days


def is_missed(due: dt.date, today: dt.date) -> bool:
    return today > due


def in_time(due: dt.date, assessed_on: dt.date) -> bool:
    return assessed_on <= due


def reminders_due(due: dt.date, today: dt.date) -> list[int]:
    """The reminders (by days left) whose day has come, while the deadline
    still runs; each is sent once, so a late sweep sends only the latest."""
    left = days_left(due, today)
    if left < 0:
        return []
    reached = [n for n in REMINDER_DAYS_LEFT if left <= n]
    return reached[-1:]


def trailing_failures(verdicts: list[bool]) -> int:
    """Failures in a row at the end of an engineer's assessments, oldest
    first: a pass sets the count back to 0."""
    count = 0
    for passed in verdicts:
        count = 0 if passed else count + 1
    return count


def ends_contract(verdicts: list[bool]) -> bool:
    """Whether the latest assessment makes three (or more) failures in a row."""
    return trailing_failures(verdicts) >= CONSECUTIVE_FAILURES_LIMIT


def manual_score_for(target: Decimal, data: list[ItemScore], manual_weight: int) -> Decimal:
    """The score to give every manual item for the total to reach `target`,
    given the data items' scores (demo data that must pass or fail whatever
    the demo's tickets say), within 0–100."""
    scored = [i for i in data if i.score is not None]
    weight = sum(i.weight for i in scored) + manual_weight
    needed = (target * weight - sum(i.score * i.weight for i in scored)) / manual_weight
    return _round(min(max(needed, Decimal(0)), MAX_SCORE))


def contract_year(day: dt.date, start_month: int, start_day: int) -> int:
    """The contract year a day belongs to, named by the calendar year it
    began in (a contract year from 1 July: 2026-03-01 is in 2025's)."""
    begins = dt.date(day.year, start_month, start_day)
    return day.year if day >= begins else day.year - 1


def contract_year_label(year: int, start_month: int, start_day: int) -> str:
    if (start_month, start_day) == (1, 1):
        return f"{year}年度"
    end = dt.date(year + 1, start_month, start_day) - dt.timedelta(days=1)
    return f"{year}合同年度（{year}-{start_month:02d}-{start_day:02d}至{end:%Y-%m-%d}）"
