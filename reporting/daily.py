"""The period's ticket counts as sums of days; pure, no Django.

A report's volume trend, county table, weak-spot groups and subsystem ×
category problems all add up three counts per group: tickets filed, and
resolution clocks stopped (resolved) and met in the period. Counted per day,
the days of a period simply add, so whole finished days can be kept counted
(the daily roll-up) and only the days not counted yet are read live.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

# The groups a day's counts are kept by; "problem" is a subsystem and
# category pair ("<subsystem id>:<category>").
GROUPINGS = ("county", "department", "subsystem", "category", "problem")
# The day's whole count, the trend's point.
TOTAL = "total"


@dataclass
class Tally:
    filed: int = 0
    resolved: int = 0
    met: int = 0

    def add(self, filed: int = 0, resolved: int = 0, met: int = 0) -> None:
        self.filed += filed
        self.resolved += resolved
        self.met += met


def group_keys(county, department_id, subsystem_id, category) -> list[tuple[str, str]]:
    """The groups a ticket of these details counts in, as (grouping, key);
    a detail that is missing puts it in no group of that grouping."""
    keys = []
    if county:
        keys.append(("county", county))
    if department_id:
        keys.append(("department", str(department_id)))
    if subsystem_id:
        keys.append(("subsystem", str(subsystem_id)))
        keys.append(("problem", f"{subsystem_id}:{category}"))
    if category:
        keys.append(("category", category))
    return keys


def problem_of(key: str) -> tuple[int, str]:
    subsystem, _sep, category = key.partition(":")
    return int(subsystem), category


@dataclass
class Breakdown:
    """Filed tickets per trend bucket (the first day of the day or month of
    filing) and, per grouping and key, filed, resolved and met."""

    trend: Counter = field(default_factory=Counter)
    groups: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: {grouping: {} for grouping in GROUPINGS}
    )

    def add(self, grouping: str, key: str, filed=0, resolved=0, met=0) -> None:
        self.groups[grouping].setdefault(key, Tally()).add(filed, resolved, met)

    def add_tickets(self, details: tuple, filed=0, resolved=0, met=0, bucket=None) -> None:
        """Count tickets with these details (county, department id,
        subsystem id, category) in every group they belong to."""
        if filed and bucket is not None:
            self.trend[bucket] += filed
        for grouping, key in group_keys(*details):
            self.add(grouping, key, filed, resolved, met)

    def merge(self, other: "Breakdown") -> "Breakdown":
        self.trend.update(other.trend)
        for grouping, tallies in other.groups.items():
            for key, tally in tallies.items():
                self.add(grouping, key, tally.filed, tally.resolved, tally.met)
        return self

    def rows(self) -> Iterable[tuple[str, str, int, int, int]]:
        """Everything counted, as (grouping, key, filed, resolved, met): the
        shape a day is kept in. The trend is kept as TOTAL rows keyed by the
        bucket's date."""
        for bucket, n in self.trend.items():
            yield TOTAL, bucket.isoformat(), n, 0, 0
        for grouping, tallies in self.groups.items():
            for key, tally in tallies.items():
                yield grouping, key, tally.filed, tally.resolved, tally.met


def bucket_of(day: dt.date, trend_unit: str) -> dt.date:
    """The trend bucket a day of filing falls in."""
    return day.replace(day=1) if trend_unit == "month" else day


def ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Days as half-open runs of consecutive days [first, last + 1)."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day:
            runs[-1][1] = day + dt.timedelta(days=1)
        else:
            runs.append([day, day + dt.timedelta(days=1)])
    return [(start, end) for start, end in runs]


def split(start: dt.date, end: dt.date, counted: set[dt.date], today: dt.date):
    """The days of [start, end) that are read from the roll-up (counted and
    before today) and the runs of those read live, as (counted days, live
    runs)."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    kept = [day for day in days if day in counted and day < today]
    kept_set = set(kept)
    return kept, ranges(day for day in days if day not in kept_set)
