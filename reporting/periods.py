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


class FuturePeriod(ValueError):
    """A period that has not begun: it has no figures to report."""


@dataclass(frozen=True, order=True)
class Period:
    kind: Kind
    start: dt.date  # first day
    end: dt.date  # the day after the last
    # The day after the last day with figures, for a period not yet over
    # (or the same span of a previous period); None when it is complete.
    until: dt.date | None = None

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def covered_end(self) -> dt.date:
        return self.until or self.end

    @property
    def unfinished(self) -> bool:
        return self.until is not None

    def instants(self, tz: ZoneInfo = SHANGHAI) -> tuple[dt.datetime, dt.datetime]:
        """The span with figures as aware instants, local midnight to local
        midnight."""
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=tz),
            dt.datetime.combine(self.covered_end, dt.time(), tzinfo=tz),
        )

    def previous(self) -> "Period":
        """The whole previous period."""
        return containing(self.kind, self.start - dt.timedelta(days=1))

    def comparable(self) -> "Period":
        """The previous period over the same span: the same weekdays of last
        week, the same days of last month or last year, when this one is
        not over; the whole previous period otherwise."""
        before = self.previous()
        if self.until is None:
            return before
        if self.kind == Kind.YEAR:
            last = self.until - dt.timedelta(days=1)
            # 29 February has no match in the year before: up to the 28th.
            day = min(last.day, 28) if (last.month, last.day) == (2, 29) else last.day
            until = dt.date(before.start.year, last.month, day) + dt.timedelta(days=1)
        else:
            until = min(before.start + (self.until - self.start), before.end)
        return Period(before.kind, before.start, before.end, until)

    @property
    def cut_off_label(self) -> str:
        """截至X月X日, the last day with figures, for an unfinished span."""
        last = self.covered_end - dt.timedelta(days=1)
        return f"截至{last.month}月{last.day}日"

    @property
    def title(self) -> str:
        """How the contract's reports name a period, e.g. 2026年第47周;
        an unfinished one says up to which day."""
        if self.kind == Kind.WEEK:
            year, week, _day = self.start.isocalendar()
            name = f"{year}年第{week}周（{self.start:%Y-%m-%d}至{self.last_day:%Y-%m-%d}）"
        elif self.kind == Kind.MONTH:
            name = f"{self.start.year}年{self.start.month}月"
        else:
            name = f"{self.start.year}年"
        return f"{name}（{self.cut_off_label}）" if self.unfinished else name

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


def as_of(period: Period, today: dt.date) -> Period:
    """The period as far as `today` (local date) has figures: an unfinished
    period (or span) is cut after today; a period that has not begun is
    refused."""
    if period.start > today:
        raise FuturePeriod(f"{period.start} is after {today}")
    cut = today + dt.timedelta(days=1)
    if period.until is not None:
        cut = min(cut, period.until)  # a span chosen for a comparison stays
    if period.end <= cut:
        return Period(period.kind, period.start, period.end)
    return Period(period.kind, period.start, period.end, cut)


def last_completed(kind: Kind | str, today: dt.date) -> Period:
    """The latest period that has ended by `today` (Monday: last week)."""
    return containing(kind, today).previous()


def trend_buckets(period: Period) -> list[dt.date]:
    """The first day of every bucket of the trend chart, up to the last day
    with figures (a month still to come is not drawn as 0)."""
    last = period.covered_end - dt.timedelta(days=1)
    if period.trend_unit == "month":
        return [dt.date(period.start.year, m, 1) for m in range(1, last.month + 1)]
    days = (period.covered_end - period.start).days
    return [period.start + dt.timedelta(days=i) for i in range(days)]


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change against the previous period, None when undefined."""
    if current is None or previous in (None, 0):
        return None
    return (current - previous) / previous
