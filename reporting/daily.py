"""The period's ticket counts as sums of days; pure, no Django.

A report's volume trend, county table, weak-spot groups and subsystem ×
category problems all add up three counts per group: tickets filed, and
resolution clocks stopped (resolved) and met in the period. Counted per day,
the days of a period simply add, so whole finished days can be kept counted
(the daily roll-up) and only the days not counted yet are read live.
"""

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

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


# --- Stopped clocks, kept per day -------------------------------------------------
# Times (median, p90) do not add up over days, so a day keeps every clock
# stopped in it, one row each: its working seconds (exact, as stored),
# whether it met its target, its target minutes, its ticket, when it
# started, stopped and was breached (microseconds since the epoch; breached
# only when not met), and for the resolution clock the ticket's operator,
# county, department, subsystem, category (as numbers, 0 when missing) and
# why it was late (`CAUSES`). A period's times are then exact percentiles
# over the days' rows put together, and its breaches, backlog and overdue
# items need the clocks table only for the clocks not stopped in it.

CLOCK_COLUMNS = (
    ("seconds", "<f8"),
    ("met", "u1"),
    ("target", "<i4"),
    ("operator", "<i4"),
    ("county", "<i4"),
    ("department", "<i4"),
    ("subsystem", "<i4"),
    ("category", "u1"),
    ("cause", "u1"),
    ("ticket", "<i8"),
    ("started", "<i8"),
    ("stopped", "<i8"),
    ("breached", "<i8"),
)
# A late resolution's cause: its first response was already late, else the
# clock was paused to wait, else the work itself took too long.
ON_TIME, LATE_RESPONSE, WAITED, LATE_WORK = 0, 1, 2, 3
CAUSES = {"response": LATE_RESPONSE, "waited": WAITED, "resolution": LATE_WORK}
# One clock a row, packed, so that days' bytes put together are one array.
ROW = np.dtype(list(CLOCK_COLUMNS))


@dataclass
class Clocks:
    """Clocks of one kind stopped in some days, a row each (`ROW`)."""

    rows: np.ndarray

    @classmethod
    def from_rows(cls, rows) -> "Clocks":
        """From tuples in the order of CLOCK_COLUMNS."""
        return cls(np.array(list(rows), dtype=ROW))

    @classmethod
    def from_bytes(cls, blob: bytes) -> "Clocks":
        """From one day's `to_bytes`, or several days' put together."""
        return cls(np.frombuffer(blob, dtype=ROW))

    def to_bytes(self) -> bytes:
        return self.rows.tobytes()

    @classmethod
    def joined(cls, parts) -> "Clocks":
        found = [p.rows for p in parts if len(p.rows)]
        if len(found) == 1:
            # A year's rows are tens of megabytes: not copied for nothing.
            return cls(found[0])
        return cls(np.concatenate(found or [np.empty(0, dtype=ROW)]))

    def __len__(self) -> int:
        return len(self.rows)

    def times(self, where=None) -> dict:
        """Count, met, median and p90 working minutes and the median target,
        as PostgreSQL's PERCENTILE_CONT gives them over the same clocks."""
        seconds, met, target = (self.rows[c] for c in ("seconds", "met", "target"))
        if where is not None:
            seconds, met, target = seconds[where], met[where], target[where]
        ordered = np.sort(seconds)
        targets = np.sort(target)
        return {
            "n": len(ordered),
            "met": int(met.sum()),
            "p50": percentile_of_sorted(ordered, 0.5, _minutes),
            "p90": percentile_of_sorted(ordered, 0.9, _minutes),
            "target": percentile_of_sorted(targets, 0.5),
        }

    def medians_by(self, column: str) -> dict[int, dict]:
        """Per value of `column` (0, for none, left out): the count, the met
        and the median working minutes of its clocks, as `times` gives
        them, from one sort of all the clocks by that value and time."""
        value, seconds = self.rows[column], self.rows["seconds"]
        counted = np.flatnonzero(value != 0)
        order = counted[np.lexsort((seconds[counted], value[counted]))]
        if not len(order):
            return {}
        values, seconds = value[order], seconds[order]
        met = self.rows["met"][order].astype(np.int64)
        keys, starts = np.unique(values, return_index=True)
        ends = np.append(starts[1:], len(order))
        met_counts = np.add.reduceat(met, starts)
        return {
            key: {
                "n": int(end - start),
                "met": int(n_met),
                "p50": percentile_of_sorted(seconds[start:end], 0.5, _minutes),
            }
            for key, start, end, n_met in zip(keys.tolist(), starts, ends, met_counts, strict=True)
        }

    def causes(self, where) -> dict:
        """The late clocks among those `where` selects, by cause, and their
        median target."""
        cause = self.rows["cause"][where]
        found = {name: int((cause == code).sum()) for name, code in CAUSES.items()}
        return {"target": percentile_of_sorted(np.sort(self.rows["target"][where]), 0.5)} | found


def percentile_of_sorted(ordered, share: float, value=float) -> float | None:
    """Linear interpolation between closest ranks of the sorted values, in
    the order of operations of PostgreSQL's PERCENTILE_CONT, each value
    taken as `value(v)` (what the query sorted); None for no values."""
    if not len(ordered):
        return None
    position = share * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    first, second = value(ordered[low]), value(ordered[high])
    return first + (second - first) * (position - low)


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def microseconds(at: dt.datetime | None) -> int:
    """An instant as whole microseconds since the epoch (0 for none): exact."""
    return 0 if at is None else (at - EPOCH) // dt.timedelta(microseconds=1)


def _minutes(seconds) -> float:
    # As the query's consumed_seconds / 60.0, before interpolating.
    return float(seconds) / 60.0


# The escalations fired on a day, one row each: the clock, its kind (the
# index in the kinds a report passes) and the step's level (% of target).
ESCALATIONS = "escalations"
ESCALATION_ROW = np.dtype([("clock", "<i8"), ("kind", "u1"), ("level", "<i2")])


def escalation_rows(rows, kinds) -> np.ndarray:
    """(clock id, clock kind, level) tuples as escalation rows."""
    index = {kind: n for n, kind in enumerate(kinds)}
    return np.array(
        [(clock, index[kind], level) for clock, kind, level in rows], dtype=ESCALATION_ROW
    )


def escalation_counts(rows: np.ndarray, kinds) -> list[dict]:
    """By clock kind and level: how many times a step fired, and on how many
    clocks (a clock has one ticket), ordered by kind and level."""
    if not len(rows):
        return []
    # One sort by kind, level and clock: each (kind, level) is a run, and a
    # clock's first row in its run counts it once.
    ordered = rows[np.lexsort((rows["clock"], rows["level"], rows["kind"]))]
    kind, level, clock = ordered["kind"], ordered["level"], ordered["clock"]
    run = np.ones(len(ordered), dtype=bool)
    run[1:] = (kind[1:] != kind[:-1]) | (level[1:] != level[:-1])
    first_of_clock = run.copy()
    first_of_clock[1:] |= clock[1:] != clock[:-1]
    starts = np.flatnonzero(run)
    fired = np.diff(np.append(starts, len(ordered)))
    clocks = np.add.reduceat(first_of_clock.astype(np.int64), starts)
    found = [
        {"clock_kind": kinds[int(kind[i])], "level": int(level[i]), "n": int(n), "tickets": int(t)}
        for i, n, t in zip(starts, fired, clocks, strict=True)
    ]
    return sorted(found, key=lambda row: (row["clock_kind"], row["level"]))
