"""The periods the province publishes figures for: a month, a quarter or a
year; pure, no Django.

A period is named in URLs by its slug (month-2026-10, quarter-2026-3,
year-2026) and in the interface by its title (2026年10月, 2026年第三季度,
2026年).
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


KIND_WORDS = {Kind.MONTH: "月度", Kind.QUARTER: "季度", Kind.YEAR: "年度"}
QUARTER_WORDS = "一二三四"


@dataclass(frozen=True, order=True)
class Period:
    kind: Kind
    start: dt.date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def number(self) -> int:
        """The month (1–12) or quarter (1–4) in its year; 1 for a year."""
        if self.kind == Kind.MONTH:
            return self.start.month
        if self.kind == Kind.QUARTER:
            return (self.start.month - 1) // 3 + 1
        return 1

    @property
    def end(self) -> dt.date:
        """The day after the last."""
        if self.kind == Kind.YEAR:
            return dt.date(self.year + 1, 1, 1)
        months = 1 if self.kind == Kind.MONTH else 3
        month = self.start.month + months
        return dt.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def title(self) -> str:
        if self.kind == Kind.MONTH:
            return f"{self.year}年{self.start.month}月"
        if self.kind == Kind.QUARTER:
            return f"{self.year}年第{QUARTER_WORDS[self.number - 1]}季度"
        return f"{self.year}年"

    @property
    def short_title(self) -> str:
        """A chart's axis label: 10月, 三季度, 2026."""
        if self.kind == Kind.MONTH:
            return f"{self.start.month}月"
        if self.kind == Kind.QUARTER:
            return f"{QUARTER_WORDS[self.number - 1]}季度"
        return str(self.year)

    @property
    def slug(self) -> str:
        if self.kind == Kind.YEAR:
            return f"year-{self.year}"
        return f"{self.kind}-{self.year}-{self.number}"

    def previous(self) -> "Period":
        return containing(self.kind, self.start - dt.timedelta(days=1))

    def months(self) -> list["Period"]:
        """The months it spans, in order."""
        first, months = self.start, []
        while first < self.end:
            months.append(Period(Kind.MONTH, first))
            first = Period(Kind.MONTH, first).end
        return months


def containing(kind: Kind | str, day: dt.date) -> Period:
    kind = Kind(kind)
    if kind == Kind.MONTH:
        return Period(kind, day.replace(day=1))
    if kind == Kind.QUARTER:
        return Period(kind, dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
    return Period(kind, dt.date(day.year, 1, 1))


def parse(slug: str) -> Period:
    """The period a slug names. Raises ValueError on anything else."""
    parts = (slug or "").split("-")
    try:
        kind = Kind(parts[0])
        numbers = [int(p) for p in parts[1:]]
    except (ValueError, IndexError):
        raise ValueError(slug) from None
    if kind == Kind.YEAR and len(numbers) == 1:
        year, number = numbers[0], 1
    elif kind != Kind.YEAR and len(numbers) == 2:
        year, number = numbers
    else:
        raise ValueError(slug)
    limit = 12 if kind == Kind.MONTH else 4 if kind == Kind.QUARTER else 1
    if not (2000 <= year <= 2100 and 1 <= number <= limit):
        raise ValueError(slug)
    month = number if kind == Kind.MONTH else (number - 1) * 3 + 1
    return Period(kind, dt.date(year, month, 1))


def of(kind: Kind | str, start: dt.date) -> Period:
    """The period stored as (kind, first day)."""
    return containing(kind, start)


def series(last: Period, count: int) -> list[Period]:
    """`count` periods of the same kind ending with `last`, oldest first."""
    periods = [last]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods
