"""Report periods (周报, 月报, 年报) in Asia/Shanghai; pure, no Django.

A period is half-open [start, end) in local dates, so a ticket filed at 23:30
on a Sunday belongs to the week that Sunday ends, whatever UTC says.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Kind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


LABELS = {Kind.WEEK: "周报", Kind.MONTH: "月报", Kind.YEAR: "年报"}


@dataclass(frozen=True, order=True)
class Period:
    kind: Kind
    start: dt.date  # first day
    end: dt.date  # the day after the last

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def instants(self, tz: ZoneInfo = SHANGHAI) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware instants, local midnight to local midnight."""
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=tz),
            dt.datetime.combine(self.end, dt.time(), tzinfo=tz),
        )

    def previous(self) -> "Period":
        return containing(self.kind, self.start - dt.timedelta(days=1))

    @property
    def title(self) -> str:
        """How the contract's reports name a period, e.g. 2026年第47周."""
        if self.kind == Kind.WEEK:
            year, week, _day = self.start.isocalendar()
            return f"{year}年第{week}周（{self.start:%Y-%m-%d}至{self.last_day:%Y-%m-%d}）"
        if self.kind == Kind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年"

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.start:%Y%m%d}"

    @property
    def trend_unit(self) -> str:
        """Days for a week or month, months for a year."""
        return "month" if self.kind == Kind.YEAR else "day"


def containing(kind: Kind | str, day: dt.date) -> Period:
    kind = Kind(kind)
    if kind == Kind.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=7))
    if kind == Kind.MONTH:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return Period(kind, start, end)
    return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1))


def last_completed(kind: Kind | str, today: dt.date) -> Period:
    """The latest period that has ended by `today` (Monday: last week)."""
    return containing(kind, today).previous()


def trend_buckets(period: Period) -> list[dt.date]:
    """The first day of every bucket of the trend chart."""
    if period.trend_unit == "month":
        return [dt.date(period.start.year, m, 1) for m in range(1, 13)]
    days = (period.end - period.start).days
    return [period.start + dt.timedelta(days=i) for i in range(days)]


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change against the previous period, None when undefined."""
    if current is None or previous in (None, 0):
        return None
    return (current - previous) / previous
