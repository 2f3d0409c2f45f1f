"""Every figure of the dashboards and period reports, counted by grouped
queries in the database under the reader's scope and filters; figures that
read the same rows share one query (see the Figures section). The same
conditions give the tickets behind each figure (`tickets_behind`), so a
number and its drill-down always agree.

Times come from the SLA engine's clocks (working time, minutes); tickets
filed before the engine ran have no clocks and count only in volumes.
"""

import datetime as dt
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
import psycopg
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr, TruncDay, TruncMonth
from django.utils import timezone
from helpdesk.models import Ticket

from helpdesk_site.people.models import Department, User
from helpdesk_site.regions.models import Region
from helpdesk_site.satisfaction.models import BAD_RATING_MAX, BadRatingFollowUp, Rating, Score
from helpdesk_site.tickets import scope as ticket_scope
from helpdesk_site.tickets.models import Category, Subsystem
from inspections import selectors as inspections
from kb import selectors as kb_selectors
from kb.models import CandidateState, Deflection, FaqCandidate, SearchMiss
from reporting import daily, stats, weakspots
from reporting.aggregates import Percentile
from reporting.models import CountedDay, DayClocks, DayCount
from reporting.periods import SHANGHAI, Period, as_of
from sla.models import ClockKind, EscalationEvent, HandlingLogEntry, Incident, LogKind, SlaClock

RESOLUTION, RESPONSE = ClockKind.RESOLUTION, ClockKind.RESPONSE
# Backlog age buckets, in days since filing.
AGE_BUCKETS = ((0, 1), (1, 3), (3, 7), (7, 30), (30, None))
LIST_LIMIT = 200


@dataclass(frozen=True)
class Filters:
    period: Period
    region: Region
    department_id: int | None = None
    subsystem: str | None = None
    category: str | None = None
    operator_id: int | None = None

    def as_query(self) -> dict:
        """The filters as URL parameters, for drill-down links."""
        query = {"kind": self.period.kind, "date": self.period.start.isoformat()}
        if self.period.until:
            query["until"] = self.period.until.isoformat()
        query["region"] = self.region.code
        for name in ("department_id", "subsystem", "category", "operator_id"):
            value = getattr(self, name)
            if value not in (None, ""):
                query[name.removesuffix("_id")] = value
        return query


@dataclass(frozen=True)
class Scope:
    """The report's region and filters as a condition on any table that
    reaches a ticket through `path` (e.g. "ticket__" from a clock). Each
    figure filters its own table directly: no IN over a ticket subquery,
    which PostgreSQL plans badly at a million tickets."""

    filters: Filters
    allowed: bool = True

    def q(self, path: str = "") -> Q:
        if not self.allowed:
            return Q(pk__in=[])
        f = self.filters
        # Withdrawn tickets (撤销) are in no report.
        q = ticket_scope.not_withdrawn_q(path)
        # Every ticket is filed in the prefecture: at its level the region
        # needs no condition, which spares each figure a join at scale.
        if f.region.level != Region.Level.PREFECTURE:
            # Region.code is the key: Django filters the foreign key column, no join.
            q &= Q(**{f"{path}details__region__code__startswith": f.region.subtree_prefix})
        if f.department_id:
            q &= Q(**{f"{path}details__department_id": f.department_id})
        if f.subsystem:
            q &= Q(**{f"{path}details__subsystem__code": f.subsystem})
        if f.category:
            q &= Q(**{f"{path}details__category": f.category})
        if f.operator_id:
            q &= Q(**{f"{path}assigned_to_id": f.operator_id})
        return q

    @property
    def whole_prefecture(self) -> bool:
        """Every ticket but the withdrawn ones: the prefecture, unfiltered."""
        f = self.filters
        return (
            self.allowed
            and f.region.level == Region.Level.PREFECTURE
            and not (f.department_id or f.subsystem or f.category or f.operator_id)
        )

    def clock_q(self, path: str = "clock__") -> Q:
        """The scope as a condition on a table that reaches a ticket through
        its clock. For the whole prefecture only the withdrawn tickets' few
        clocks are left out, found by their tickets, rather than every row
        joined to its clock to find the ticket."""
        if not self.whole_prefecture:
            return self.q(f"{path}ticket__")
        withdrawn = SlaClock.objects.filter(ticket_id__in=ticket_scope.withdrawn_ticket_ids())
        return ~Q(**{f"{path}id__in": withdrawn.values("id")})

    def tickets(self) -> QuerySet[Ticket]:
        return Ticket.objects.filter(self.q())

    def clocks(self, kind) -> QuerySet[SlaClock]:
        return SlaClock.objects.filter(self.q("ticket__"), kind=kind)


def scope_for(filters: Filters, user=None) -> Scope:
    """A person reads only what the scope module lets them: a supervisor's
    subtree (or everything, for an administrator) must hold the report's
    region. Scheduled reports (no user) are written for their region."""
    return Scope(
        filters, allowed=user is None or ticket_scope.may_read_reports_on(user, filters.region)
    )


@contextmanager
def report_session():
    """The report's queries in one transaction; on PostgreSQL they may sort
    in memory (the percentiles of a year's clocks spill to disk at the
    default 4 MB), and are not JIT-compiled: at a million tickets the
    grouped scans pass the JIT threshold, and compiling each (in every
    parallel worker) costs more than it saves on queries this short."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
        yield


# --- Conditions shared by figures and their drill-downs ----------------------


def _bounds(period: Period, now) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    start, end = period.instants()
    return start, end, min(end, now)


def filed_in(scope: Scope, period) -> QuerySet[Ticket]:
    start, end = period.instants()
    return scope.tickets().filter(created__gte=start, created__lt=end)


def _stopped_in(period, path: str = "") -> Q:
    start, end = period.instants()
    return Q(
        **{
            f"{path}stopped_at__gte": start,
            f"{path}stopped_at__lt": end,
            f"{path}policy__isnull": False,
        }
    )


def _backlog(cutoff) -> Q:
    """Clocks running (or paused) at the cutoff."""
    return Q(started_at__lt=cutoff) & (Q(stopped_at__isnull=True) | Q(stopped_at__gte=cutoff))


def _overdue(period, now) -> Q:
    """Resolution clocks past due at some point of the period (超期)."""
    start, end, cutoff = _bounds(period, now)
    late = Q(breached_at__lt=cutoff) | Q(stopped_at__isnull=True, due_at__lt=cutoff)
    return late & Q(started_at__lt=end) & (Q(stopped_at__isnull=True) | Q(stopped_at__gte=start))


def _follow_ups(scope) -> QuerySet[BadRatingFollowUp]:
    return BadRatingFollowUp.objects.filter(scope.q("ticket__"))


# --- Figures ------------------------------------------------------------------
# Figures that read the same rows share one grouped query: each aggregate
# carries its own FILTER, so a table is scanned once per report, not once per
# figure. The drill-downs below use the same conditions.


def _instant(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)


def _in_runs(field_name: str, runs) -> Q:
    """The instant field within any of the runs of local days."""
    condition = Q()
    for first, after in runs:
        condition |= Q(
            **{f"{field_name}__gte": _instant(first), f"{field_name}__lt": _instant(after)}
        )
    return condition


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def _details_values(path: str = "") -> dict:
    # Not the field names: a clock has a category of its own.
    return {
        "of_county": Substr(f"{path}details__region_id", 1, 6),
        "of_department": F(f"{path}details__department_id"),
        "of_subsystem": F(f"{path}details__subsystem_id"),
        "of_category": F(f"{path}details__category"),
    }


def _details(row) -> tuple:
    return row["of_county"], row["of_department"], row["of_subsystem"], row["of_category"]


def counted_live(scope, runs, trend_unit: str, *, per_day=False):
    """The tickets filed in the runs of days and the resolution clocks
    stopped in them, counted in two grouped queries. One Breakdown, or with
    `per_day` one per local day (the roll-up's shape)."""
    found: dict = {}

    def breakdown_for(day):
        return found.setdefault(day if per_day else None, daily.Breakdown())

    if not runs:
        return found if per_day else daily.Breakdown()
    trunc = TruncDay if per_day or trend_unit == "day" else TruncMonth
    filed = (
        scope.tickets()
        .filter(_in_runs("created", runs))
        .values(bucket=trunc("created", tzinfo=SHANGHAI), **_details_values())
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in filed:
        bucket = _as_date(row["bucket"])
        breakdown_for(bucket).add_tickets(_details(row), filed=row["n"], bucket=bucket)
    stopped = scope.clocks(RESOLUTION).filter(_in_runs("stopped_at", runs), policy__isnull=False)
    by_day = {"day": TruncDay("stopped_at", tzinfo=SHANGHAI)} if per_day else {}
    resolved = (
        stopped.values(**by_day, **_details_values("ticket__"))
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(breached_at__isnull=True)))
        .order_by()
    )
    for row in resolved:
        breakdown_for(_as_date(row.get("day"))).add_tickets(
            _details(row), resolved=row["n"], met=row["met"]
        )
    return found if per_day else breakdown_for(None)


def rolls_up(scope) -> bool:
    """Whether the daily roll-up holds this report's counts: it counts the
    whole prefecture, unfiltered."""
    return scope.whole_prefecture


def counted_kept(days, trend_unit: str) -> daily.Breakdown:
    """The roll-up's counts of these days, added up in the database."""
    result = daily.Breakdown()
    if not days:
        return result
    kept = DayCount.objects.filter(_in_days(days))
    totals = kept.filter(grouping=daily.TOTAL).values_list("day", "filed")
    for day, n in totals:
        result.trend[daily.bucket_of(day, trend_unit)] += n
    sums = (
        kept.exclude(grouping=daily.TOTAL)
        .values_list("grouping", "key")
        .annotate(Sum("filed"), Sum("resolved"), Sum("met"))
        .order_by()
    )
    for grouping, key, filed, resolved, met in sums:
        result.add(grouping, key, filed, resolved, met)
    return result


def _in_days(days) -> Q:
    condition = Q()
    for first, after in daily.ranges(days):
        condition |= Q(day__gte=first, day__lt=after)
    return condition


def ticket_breakdown(scope, period, today: dt.date | None = None) -> daily.Breakdown:
    """The period's tickets filed per trend bucket, and per county,
    department, subsystem, category and subsystem × category problem how
    many were filed in the period, and how many had their resolution clock
    stopped in it (`resolved`) and met its target (`met`). Whole finished
    days come from the daily roll-up where it holds the report's counts;
    the other days are counted live."""
    kept, live, key = kept_and_live(scope, period, today)
    result = cached(
        key and f"{key}:breakdown:{period.trend_unit}",
        lambda: counted_kept(kept, period.trend_unit),
    )
    return result.merge(counted_live(scope, live, period.trend_unit))


def kept_and_live(scope, period, today: dt.date | None = None):
    """The period's days the daily roll-up holds for this report (none
    unless it rolls up), the runs of days to count live, and the cache key
    of the kept days' counts (None for none)."""
    first, after = period.start, period.covered_end
    today = today or local_date(timezone.now())
    counted: dict = {}
    if rolls_up(scope):
        counted = dict(
            CountedDay.objects.filter(day__gte=first, day__lt=after, stale=False).values_list(
                "day", "version"
            )
        )
    kept, live = daily.split(first, after, set(counted), today)
    return kept, live, kept_key({day: counted[day] for day in kept})


def _late_response() -> Exists:
    return Exists(
        SlaClock.objects.filter(
            ticket_id=OuterRef("ticket_id"), kind=RESPONSE, breached_at__isnull=False
        )
    )


def _paused() -> Exists:
    return Exists(
        HandlingLogEntry.objects.filter(ticket_id=OuterRef("ticket_id"), kind=LogKind.PAUSED)
    )


CATEGORY_NUMBERS = {value: n for n, value in enumerate(Category.values, start=1)}


def clocks_live(scope, runs, kind, *, per_day=False):
    """The clocks of a kind stopped in the runs of days, as rows
    (`daily.Clocks`); with `per_day`, one Clocks per local day."""
    if not runs:
        return {} if per_day else daily.Clocks.from_rows([])
    values = {
        "met": Case(When(breached_at__isnull=True, then=Value(1)), default=Value(0)),
        "operator": Coalesce("ticket__assigned_to_id", Value(0)),
        "county": Substr("ticket__details__region_id", 1, 6),
        "department": F("ticket__details__department_id"),
        "subsystem": F("ticket__details__subsystem_id"),
        "category": F("ticket__details__category"),
    }
    if kind == RESOLUTION:
        # The subqueries run only for the late clocks.
        values["cause"] = Case(
            When(breached_at__isnull=True, then=Value(daily.ON_TIME)),
            When(_late_response(), then=Value(daily.LATE_RESPONSE)),
            When(_paused(), then=Value(daily.WAITED)),
            default=Value(daily.LATE_WORK),
        )
    if per_day:
        values["day"] = TruncDay("stopped_at", tzinfo=SHANGHAI)
    found = (
        scope.clocks(kind)
        .filter(_in_runs("stopped_at", runs), policy__isnull=False)
        .values_list(
            "consumed_seconds",
            "target_minutes",
            "ticket_id",
            "started_at",
            "stopped_at",
            "breached_at",
            *values.values(),
        )
        .order_by()
    )
    names = ["seconds", "target", "ticket", "started", "stopped", "breached", *values]
    rows: dict = {}
    for row in found:
        row = dict(zip(names, row, strict=True))
        column = (
            row["seconds"],
            row["met"],
            row["target"],
            row["operator"],
            int(row["county"] or 0),
            row["department"] or 0,
            row["subsystem"] or 0,
            CATEGORY_NUMBERS.get(row["category"], 0),
            row.get("cause", daily.ON_TIME),
            row["ticket"],
            daily.microseconds(row["started"]),
            daily.microseconds(row["stopped"]),
            daily.microseconds(row["breached"]),
        )
        rows.setdefault(_as_date(row.get("day")), []).append(column)
    if per_day:
        return {day: daily.Clocks.from_rows(found) for day, found in rows.items()}
    return daily.Clocks.from_rows(rows.get(None, []))


# What is computed from kept days alone is cached under the versions of
# those days' counts: a day counted again gets a new version, so a key
# cannot outlive what it was computed from. The time only bounds the memory.
KEPT_CACHE_SECONDS = 24 * 3600


def kept_key(versions: dict) -> str | None:
    """The cache key of the kept days' counts, from each day's version (None
    for no days)."""
    if not versions:
        return None
    found = sorted((day.isoformat(), str(version)) for day, version in versions.items())
    return "reports:kept:" + hashlib.sha1(repr(found).encode(), usedforsecurity=False).hexdigest()


def cached(key: str | None, compute):
    """`compute()`, cached under `key` unless it is None."""
    if key is None:
        return compute()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEPT_CACHE_SECONDS)
    return found


class Stopped:
    """Per clock kind, the clocks stopped in a period as rows
    (`daily.Clocks`): the kept days' from the roll-up, the others counted
    live; read when first needed. When every day of the period is kept,
    what is computed from them is cached (`computed`)."""

    def __init__(self, scope, kept, live, key):
        self.scope, self.kept, self.live = scope, kept, live
        self.key = None if live else key
        self._clocks = None
        self._held: dict = {}

    def __getitem__(self, kind) -> daily.Clocks:
        if self._clocks is None:
            days: dict = {RESPONSE: [], RESOLUTION: [], daily.ESCALATIONS: []}
            for kind_, columns in _kept_columns(self.kept):
                days[kind_].append(columns)
            self._clocks = {
                k: daily.Clocks.joined(
                    [
                        daily.Clocks.from_bytes(b"".join(days[k])),
                        clocks_live(self.scope, self.live, k),
                    ]
                )
                for k in (RESPONSE, RESOLUTION)
            }
            kept = np.frombuffer(b"".join(days[daily.ESCALATIONS]), dtype=daily.ESCALATION_ROW)
            live = escalations_live(self.scope, self.live)
            self._clocks[daily.ESCALATIONS] = np.concatenate([kept, live])
        return self._clocks[kind]

    def computed(self, name: str, compute):
        """`compute()`, which reads only these clocks, cached under `name`
        (which says every argument) when the period is all kept days."""
        return cached(self.key and f"{self.key}:{name}", compute)

    def held_at_end(self, period, now) -> dict:
        """`_held_at_end` of the clocks not held here, read once for the
        summary and the operators."""
        cutoff = _bounds(period, now)[2]
        if cutoff not in self._held:
            self._held[cutoff] = _held_at_end(self.scope, period, now)
        return self._held[cutoff]


def _kept_columns(days) -> list[tuple[str, bytes]]:
    """The kept days' packed rows (`DayClocks`), as (kind, bytes)."""
    if not days:
        return []
    found = DayClocks.objects.filter(_in_days(days)).values_list("kind", "columns")
    if connection.vendor != "postgresql":
        return list(found)
    # In binary: as text, PostgreSQL sends bytea in hex, twice the bytes to
    # send and to decode, and a year's rows are tens of megabytes.
    # (Django's cursors bind on the client, which cannot receive binary.)
    # Django's wrapper turns the driver's errors into Django's, so a database
    # that goes away still answers 503 (helpdesk_site.errors), not 500.
    sql, params = found.query.sql_with_params()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        return cursor.execute(sql, params, binary=True).fetchall()


def stopped_clocks(scope, period, today: dt.date | None = None) -> Stopped | None:
    """The clocks stopped in the period (`Stopped`); None when the roll-up
    does not hold this report (it is counted in SQL instead)."""
    if not rolls_up(scope):
        return None
    return Stopped(scope, *kept_and_live(scope, period, today))


def volume(breakdown) -> dict:
    trend = {bucket: n for bucket, n in breakdown.trend.items() if n}
    return {"total": sum(trend.values()), "trend": trend}


def counties_of(region: Region) -> dict[str, str]:
    """Code → name of every county in the region (all 18 for the
    prefecture), whether or not it has tickets."""
    return dict(
        Region.objects.filter(
            level=Region.Level.COUNTY, code__startswith=region.subtree_prefix
        ).values_list("code", "name")
    )


def by_county(breakdown, region: Region) -> list[dict]:
    """Volume, resolutions and compliance of every county of the region,
    those without tickets too; the prefecture's own departments (州本级)
    are not a county and are reported apart."""
    tallies = breakdown.groups["county"]
    names = counties_of(region)
    rows = []
    for code in sorted(names):
        tally = tallies.get(code, daily.Tally())
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "filed": tally.filed,
                "resolved": tally.resolved,
                "met": tally.met,
                "compliance": stats.rate(tally.met, tally.resolved),
            }
        )
    return rows


DIMENSIONS = ("county", "prefecture_department", "department", "subsystem", "category")


def weak_spot_groups(breakdown, previous, region: Region) -> dict[str, list]:
    """Per dimension, every group's filed, resolved and on-time counts in the
    period and in the comparable previous span (`weakspots.Group`). Every
    county of the region is listed; departments of the prefecture itself
    (州本级) are a dimension of their own, beside all departments."""
    departments = {
        str(pk): (name, region_code)
        for pk, name, region_code in Department.objects.filter(
            region__code__startswith=region.subtree_prefix
        ).values_list("pk", "name", "region__code")
    }
    county_names = counties_of(region)
    region_names = dict(
        Region.objects.filter(code__in=set(county_names) | {region.code}).values_list(
            "code", "name"
        )
    )
    prefecture_code = region.code[:4] + "00"
    subsystems = {str(pk): name for pk, name in Subsystem.objects.values_list("pk", "name")}
    categories = {value: str(label) for value, label in Category.choices}

    def own(key):
        return departments.get(key, ("", ""))[1] == prefecture_code

    def department_name(key):
        name, code = departments.get(key, (key, ""))
        place = region_names.get(code[:6]) or region_names.get(code) or ""
        return f"{place}·{name}" if place and code[:6] != region.code else name

    names = {
        "county": lambda key: county_names.get(key, key),
        "prefecture_department": lambda key: departments.get(key, (key, ""))[0],
        "department": department_name,
        "subsystem": lambda key: subsystems.get(key, key),
        "category": lambda key: categories.get(key, key),
    }
    result = {}
    for dimension in DIMENSIONS:
        counts = {}
        grouping = "department" if dimension == "prefecture_department" else dimension
        for source, found in (("now", breakdown), ("before", previous)):
            for key, tally in found.groups[grouping].items():
                if dimension == "prefecture_department" and not own(key):
                    continue
                if dimension == "county" and key not in county_names:
                    continue
                row = counts.setdefault(key, {"n": 0, "resolved": 0, "met": 0, "pr": 0, "pm": 0})
                if source == "now":
                    row["n"] += tally.filed
                    row["resolved"] += tally.resolved
                    row["met"] += tally.met
                else:
                    row["pr"] += tally.resolved
                    row["pm"] += tally.met
        if dimension == "county":
            for code in county_names:
                counts.setdefault(code, {"n": 0, "resolved": 0, "met": 0, "pr": 0, "pm": 0})
        result[dimension] = sorted(
            (
                weakspots.Group(
                    dimension,
                    key,
                    names[dimension](key),
                    row["n"],
                    row["resolved"],
                    row["met"],
                    row["pr"],
                    row["pm"],
                    parent=departments.get(key, ("", ""))[1][:6]
                    if dimension == "department"
                    else "",
                )
                for key, row in counts.items()
                if dimension == "county" or row["n"] or row["resolved"]
            ),
            key=lambda g: (g.lower_bound is None, g.lower_bound or 0, -g.resolved, g.key),
        )
    return result


def weak_spot_causes(scope, period, groups, stopped=None) -> dict[str, dict]:
    """Where each weak group's late resolutions went wrong, for all groups in
    one scan of the period's resolution clocks: the first response was
    already late (`response`), else the clock was paused to wait
    (`waited`), else the work itself took too long (`resolution`); with the
    group's median target in minutes. With `stopped` (`stopped_clocks`),
    from those rows."""
    keys = [f"{group.dimension}:{group.key}" for group in groups]
    if not keys:
        return {}
    if stopped is not None:
        return stopped.computed(
            f"causes:{_instants_key(period)}:{','.join(keys)}",
            lambda: {
                key: stopped[RESOLUTION].causes(_group_mask(stopped[RESOLUTION], key))
                for key in keys
            },
        )
    late_response, paused = _late_response(), _paused()
    # `late` first: the subqueries run only for the late clocks.
    late = Q(breached_at__isnull=False)
    aggregates, anywhere = {}, Q()
    for n, key in enumerate(keys):
        group = _group_q(key)
        anywhere |= group
        aggregates |= {
            f"{n}:target": Percentile("target_minutes", 0.5, filter=group),
            f"{n}:response": Count("pk", filter=group & late & Q(late_response)),
            f"{n}:waited": Count("pk", filter=group & late & ~Q(late_response) & Q(paused)),
            f"{n}:resolution": Count("pk", filter=group & late & ~Q(late_response) & ~Q(paused)),
        }
    found = (
        scope.clocks(RESOLUTION)
        .filter(_stopped_in(period))
        .filter(anywhere)
        .aggregate(**aggregates)
    )
    causes = {key: {} for key in keys}
    for name, value in found.items():
        n, _sep, figure = name.partition(":")
        causes[keys[int(n)]][figure] = value
    return causes


def _group_mask(clocks, key: str):
    """A weak-spot group ("dimension:value") as a mask on the rows, the
    condition of `_group_q`."""
    column, value = _group_selects(key)
    if column == "county":
        value = int(value)
    elif column == "category":
        value = CATEGORY_NUMBERS[value]
    return clocks.rows[column] == value


def _age(low, high, cutoff) -> Q:
    condition = Q(started_at__lte=cutoff - dt.timedelta(days=low))
    if high is not None:
        condition &= Q(started_at__gt=cutoff - dt.timedelta(days=high))
    return condition


def age_key(low, high) -> str:
    return f"{low}-{high or ''}"


def clock_summary(scope, period, now, *, backlog=True, stopped=None) -> dict:
    """Per clock kind, in one scan of the clocks: the times of the clocks
    stopped in the period (count, met, median and p90 working minutes, the
    median target), the breaches of the period and, for the resolution
    clock, the backlog at the period's end by age and the overdue items.
    Each aggregate filters its own kind (no GROUP BY: grouping would sort
    every clock first). With `stopped` (`stopped_clocks`), see
    `_clock_summary_kept`."""
    if stopped is not None:
        return _clock_summary_kept(scope, period, now, backlog, stopped)
    start, end, cutoff = _bounds(period, now)
    stopped_q = _stopped_in(period)
    breached = Q(breached_at__gte=start, breached_at__lt=end)
    minutes = F("consumed_seconds") / 60.0
    aggregates, rows = {}, stopped_q | breached
    for kind in (RESPONSE, RESOLUTION):
        done = stopped_q & Q(kind=kind)
        aggregates |= {
            f"{kind}:n": Count("pk", filter=done),
            f"{kind}:met": Count("pk", filter=done & Q(breached_at__isnull=True)),
            # PostgreSQL sorts once for both percentiles of the same values.
            f"{kind}:p50": Percentile(minutes, 0.5, filter=done),
            f"{kind}:p90": Percentile(minutes, 0.9, filter=done),
            f"{kind}:target": Percentile("target_minutes", 0.5, filter=done),
            f"{kind}:breached": Count("pk", filter=breached & Q(kind=kind)),
        }
    # Tickets with a clock breached in the period: a ticket late on both its
    # response and its resolution counts once (the breach count, 超时次数,
    # counts it twice).
    aggregates["tickets:breached"] = Count("ticket_id", distinct=True, filter=breached)
    if backlog:
        aggregates |= _open_and_overdue(period, now)
        rows |= _backlog(cutoff) | _overdue(period, now)
    found = SlaClock.objects.filter(scope.q("ticket__"), rows).aggregate(**aggregates)
    summary = {kind: {"kind": kind} for kind in (RESPONSE, RESOLUTION, "tickets")}
    for name, value in found.items():
        kind, _sep, key = name.partition(":")
        summary[kind][key] = value
    return summary


def _open_and_overdue(period, now) -> dict:
    """The backlog at the period's end by age and the overdue items, as
    aggregates over resolution clocks."""
    _start, _end, cutoff = _bounds(period, now)
    open_at_end = _backlog(cutoff) & Q(kind=RESOLUTION)
    late = _overdue(period, now) & Q(kind=RESOLUTION)
    aggregates = {
        f"{RESOLUTION}:backlog": Count("pk", filter=open_at_end),
        f"{RESOLUTION}:overdue": Count("pk", filter=late),
        # The overdue items still open at the period's end: the part of the
        # 超期 figure that is also in the backlog (积压).
        f"{RESOLUTION}:overdue_open": Count("pk", filter=late & open_at_end),
    }
    for low, high in AGE_BUCKETS:
        aggregates[f"{RESOLUTION}:{age_key(low, high)}"] = Count(
            "pk", filter=open_at_end & _age(low, high, cutoff)
        )
    return aggregates


def _not_stopped_in(period) -> Q:
    """The clocks `stopped_clocks` does not hold for the period."""
    start, end = period.instants()
    return (
        Q(stopped_at__isnull=True)
        | Q(stopped_at__lt=start)
        | Q(stopped_at__gte=end)
        | Q(policy__isnull=True)
    )


def _clock_summary_kept(scope, period, now, backlog, stopped) -> dict:
    """`clock_summary` from the clocks stopped in the period as rows, and
    the few others (still running, or stopped after the period) from the
    clocks table: the same figures, added up."""
    start, end, cutoff = _bounds(period, now)
    others = _not_stopped_in(period)
    breached = Q(breached_at__gte=start, breached_at__lt=end)
    kept = stopped.computed(
        f"summary:{backlog}:{daily.microseconds(start)}:{daily.microseconds(end)}:"
        f"{daily.microseconds(cutoff)}",
        lambda: _stopped_summary(period, now, backlog, stopped),
    )
    summary = {kind: {"kind": kind} | kept[kind] for kind in (RESPONSE, RESOLUTION)}
    summary["tickets"] = {"kind": "tickets"}
    live_late = list(
        SlaClock.objects.filter(scope.q("ticket__"), breached & others).values_list(
            "kind", "ticket_id"
        )
    )
    late_tickets = {}
    for kind in (RESPONSE, RESOLUTION):
        found = np.frombuffer(summary[kind].pop("late_tickets"), dtype="<i8")
        live = np.array([t for k, t in live_late if k == kind], dtype="<i8")
        summary[kind]["breached"] += len(live)
        late_tickets[kind] = np.concatenate([found, live])
    # A ticket has one clock of each kind: within a kind the tickets are
    # distinct, and a ticket late on both counts once.
    both = np.intersect1d(late_tickets[RESPONSE], late_tickets[RESOLUTION], assume_unique=True)
    summary["tickets"]["breached"] = sum(map(len, late_tickets.values())) - len(both)
    if backlog:
        held = stopped.held_at_end(period, now)
        for key in _open_and_overdue(period, now):
            key = key.partition(":")[2]
            value = sum(row[key] for row in held.values())
            summary[RESOLUTION][key] = summary[RESOLUTION].pop(f"kept:{key}") + value
    return summary


def _held_at_end(scope, period, now) -> dict:
    """Over the resolution clocks not stopped in the period that may have
    been open at its end, per operator (None for none): the backlog by age
    and the overdue items (`_open_and_overdue`, without the kind) and
    `held`, the clocks open at the cutoff. One query for what the summary
    and the operators read: these clocks lie all over the table, and each
    reading of them joins or fetches every one."""
    start, end, cutoff = _bounds(period, now)
    end_of_others = (
        Q(stopped_at__isnull=True)
        | Q(stopped_at__gte=end)
        | Q(policy__isnull=True, stopped_at__gte=start)
    )
    aggregates = {
        name.partition(":")[2]: aggregate
        for name, aggregate in _open_and_overdue(period, now).items()
    }
    rows = (
        scope.clocks(RESOLUTION)
        .filter(_not_stopped_in(period), end_of_others, started_at__lt=end)
        .values(operator=F("ticket__assigned_to"))
        .annotate(**aggregates, held=Count("pk", filter=_backlog(cutoff)))
        .order_by()
    )
    return {row.pop("operator"): row for row in rows}


def _stopped_summary(period, now, backlog, stopped) -> dict:
    """`clock_summary`'s figures over the clocks stopped in the period: per
    kind the times, the breaches of the period (and the tickets late, as
    bytes) and, for the resolution clock, its part of the backlog by age and
    of the overdue items (`kept:` figures)."""
    start, end, cutoff = _bounds(period, now)
    s, e, c = (daily.microseconds(at) for at in (start, end, cutoff))
    summary = {}
    for kind in (RESPONSE, RESOLUTION):
        rows = stopped[kind].rows
        late = (rows["met"] == 0) & (rows["breached"] >= s) & (rows["breached"] < e)
        summary[kind] = stopped[kind].times() | {
            "breached": int(late.sum()),
            "late_tickets": rows["ticket"][late].astype("<i8").tobytes(),
        }
    if backlog:
        rows = stopped[RESOLUTION].rows
        # Stopped in the period: open at its end if stopped after the
        # cutoff; overdue if breached before the cutoff.
        open_at_end = (rows["started"] < c) & (rows["stopped"] >= c)
        late = (rows["met"] == 0) & (rows["breached"] < c) & (rows["started"] < e)
        kept = {"backlog": open_at_end, "overdue": late, "overdue_open": late & open_at_end}
        for low, high in AGE_BUCKETS:
            age = rows["started"] <= daily.microseconds(cutoff - dt.timedelta(days=low))
            if high is not None:
                age &= rows["started"] > daily.microseconds(cutoff - dt.timedelta(days=high))
            kept[age_key(low, high)] = open_at_end & age
        summary[RESOLUTION] |= {f"kept:{key}": int(mask.sum()) for key, mask in kept.items()}
    return summary


def times(summary, kind) -> dict:
    """Median and p90 working minutes of clocks stopped in the period, the
    median target, and the share met (SLA compliance)."""
    row = summary[kind]
    return {key: row[key] for key in ("kind", "n", "met", "p50", "p90", "target")}


def breaches(summary) -> dict:
    return {kind: summary[kind]["breached"] for kind in (RESPONSE, RESOLUTION)}


def breached_tickets(summary) -> int:
    return summary["tickets"]["breached"]


def backlog(summary) -> dict:
    """Tickets open at the end of the period (or now), by age."""
    row = summary[RESOLUTION]
    return {
        "total": row["backlog"],
        "overdue": row["overdue_open"],
        "ages": {age_key(low, high): row[age_key(low, high)] for low, high in AGE_BUCKETS},
    }


CLOCK_KINDS = tuple(ClockKind.values)


def escalations_live(scope, runs, *, per_day=False):
    """The escalations fired in the runs of days as rows
    (`daily.ESCALATION_ROW`); with `per_day`, per local day."""
    if not runs:
        return {} if per_day else daily.escalation_rows([], CLOCK_KINDS)
    values = {"day": TruncDay("fired_at", tzinfo=SHANGHAI)} if per_day else {}
    found: dict = {}
    for row in (
        EscalationEvent.objects.filter(scope.clock_q(), _in_runs("fired_at", runs))
        .values_list("clock_id", "step__clock", "step__percent", *values.values())
        .order_by()
    ):
        found.setdefault(_as_date(row[3]) if per_day else None, []).append(row[:3])
    rows = {day: daily.escalation_rows(rows, CLOCK_KINDS) for day, rows in found.items()}
    return rows if per_day else rows.get(None, daily.escalation_rows([], CLOCK_KINDS))


def escalations(scope, period, stopped=None) -> list[dict]:
    """Escalation steps fired in the period, by clock and level (% of target):
    how many times, and on how many tickets (a reopened ticket's clock can
    escalate again). With `stopped` (`stopped_clocks`), from the days' rows."""
    if stopped is not None:
        return stopped.computed(
            f"escalations:{_instants_key(period)}",
            lambda: daily.escalation_counts(stopped[daily.ESCALATIONS], CLOCK_KINDS),
        )
    start, end = period.instants()
    return list(
        EscalationEvent.objects.filter(scope.clock_q(), fired_at__gte=start, fired_at__lt=end)
        .values(clock_kind=F("step__clock"), level=F("step__percent"))
        # A step belongs to one clock kind and a ticket has one clock of each
        # kind, so distinct clocks are distinct tickets (and need no join).
        .annotate(n=Count("pk"), tickets=Count("clock_id", distinct=True))
        .order_by("clock_kind", "level")
    )


def overdue(scope, period, now, total, listed=True) -> dict:
    """The overdue items (超期), earliest due first (unless not `listed`);
    `total` comes from the clock summary."""
    if not listed:
        return {"total": total, "items": []}
    # The first items from the clocks alone, then their tickets: joining
    # every overdue clock to its ticket before the sort costs a full join.
    first = list(
        scope.clocks(RESOLUTION)
        .filter(_overdue(period, now))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:LIST_LIMIT]
    )
    items = list(
        SlaClock.objects.filter(pk__in=first)
        .select_related("ticket", "ticket__details__department", "ticket__assigned_to")
        .annotate(region_name=F("ticket__details__region__name"))
        .order_by("due_at", "pk")
    )
    return {"total": total, "items": items}


def overdue_list(filters: Filters, now) -> QuerySet[SlaClock]:
    """Every overdue item (超期) of a report, earliest due first: the
    workbook's complete list beside the Word report's first few."""
    scope = scope_for(filters)
    return (
        scope.clocks(RESOLUTION)
        .filter(_overdue(filters.period, now))
        .select_related("ticket", "ticket__details__department", "ticket__assigned_to")
        .annotate(region_name=F("ticket__details__region__name"))
        .order_by("due_at", "pk")
    )


def bad_ratings(filters: Filters) -> QuerySet[Rating]:
    """The 差评 given in the period, with their comments and follow-ups."""
    start, end = filters.period.instants()
    return (
        Rating.objects.filter(
            scope_for(filters).q("ticket__"),
            rated_at__gte=start,
            rated_at__lt=end,
            score__lte=BAD_RATING_MAX,
        )
        .select_related("ticket__details__department", "ticket__details__region", "follow_up")
        .order_by("rated_at", "pk")
    )


def emergencies(scope, period, now) -> dict:
    start, end, cutoff = _bounds(period, now)
    found = Incident.objects.filter(scope.q("ticket__"), started_at__gte=start, started_at__lt=end)
    incidents = list(found.select_related("ticket").order_by("started_at")[:LIST_LIMIT])
    for incident in incidents:
        # An incident not over at the cutoff has no duration yet (进行中).
        ended = incident.ended_at if incident.ended_at and incident.ended_at <= cutoff else None
        incident.ongoing = ended is None
        incident.duration_minutes = (
            None if ended is None else max(0.0, (ended - incident.started_at).total_seconds() / 60)
        )
    return {"total": found.count(), "items": incidents}


def handling_log(scope, period) -> dict:
    """The fault-handling log of the period: events by kind, and the root
    causes and fixes recorded."""
    start, end = period.instants()
    entries = HandlingLogEntry.objects.filter(scope.q("ticket__"), at__gte=start, at__lt=end)
    counts = dict(entries.values_list("kind").annotate(n=Count("pk")).order_by())
    first = list(
        entries.filter(kind=LogKind.ROOT_CAUSE)
        .order_by("at", "pk")
        .values_list("pk", flat=True)[:LIST_LIMIT]
    )
    causes = list(
        HandlingLogEntry.objects.filter(pk__in=first).select_related("ticket").order_by("at", "pk")
    )
    return {"counts": counts, "root_causes": causes}


def satisfaction(scope, period, now) -> dict:
    start, end, cutoff = _bounds(period, now)
    found = dict(
        Rating.objects.filter(scope.q("ticket__"), rated_at__gte=start, rated_at__lt=end)
        .values_list("score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    distribution = {score: found.get(score, 0) for score in Score.values[::-1]}
    total = sum(distribution.values())
    bad = sum(n for score, n in distribution.items() if score <= BAD_RATING_MAX)
    follow_ups = _follow_ups(scope).aggregate(
        opened=Count("pk", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        rectified=Count("pk", filter=Q(rectified_at__gte=start, rectified_at__lt=end)),
        open=Count(
            "pk",
            filter=Q(opened_at__lt=cutoff)
            & (Q(rectified_at__isnull=True) | Q(rectified_at__gte=cutoff)),
        ),
        overdue=Count(
            "pk",
            filter=Q(opened_at__lt=cutoff, due_at__lt=cutoff)
            & (Q(rectified_at__isnull=True) | Q(rectified_at__gt=F("due_at"))),
        ),
    )
    return {
        "distribution": distribution,
        "total": total,
        "bad": bad,
        "satisfied_rate": stats.rate(total - bad, total),
        "follow_ups": follow_ups,
    }


def recurring_problems(scope, period, breakdown, limit=10, stopped=None) -> dict:
    """The problems that come back most often: the knowledge base's clusters
    of similar tickets (FAQ candidates) counted over the period's tickets in
    scope, or, while the knowledge base has none there, the subsystem and
    category pairs with the most tickets. With `stopped` (`stopped_clocks`)
    of a period of kept days only, the clusters' counts are cached under
    those days' versions (a ticket withdrawn, restored or deleted marks its
    day) and the version of the clusters' membership."""
    start, end = period.instants()

    def counted():
        return list(
            FaqCandidate.tickets.through.objects.filter(
                scope.q("ticket__"), ticket__created__gte=start, ticket__created__lt=end
            )
            .values_list("faqcandidate_id")
            .annotate(n=Count("ticket_id"))
            .order_by("-n", "faqcandidate_id")[:limit]
        )

    if stopped is not None and stopped.key:
        name = f"clusters:{kb_selectors.membership_version()}:{_instants_key(period)}:{limit}"
        top = stopped.computed(name, counted)
    else:
        top = counted()
    if top:
        states = dict(CandidateState.choices)
        candidates = FaqCandidate.objects.in_bulk([pk for pk, _n in top])
        rows = [
            {
                "label": candidates[pk].title,
                "detail": str(states.get(candidates[pk].state, candidates[pk].state)),
                "n": n,
                "figure": "cluster",
                "key": str(pk),
                "faq_id": candidates[pk].faq_id,
            }
            for pk, n in top
        ]
        return {"source": "clusters", "rows": rows}
    counts = {
        daily.problem_of(key): tally.filed for key, tally in breakdown.groups["problem"].items()
    }
    top = sorted(
        ((pair, n) for pair, n in counts.items() if n), key=lambda item: (-item[1], item[0])
    )[:limit]
    subsystems = Subsystem.objects.in_bulk({subsystem for (subsystem, _c), _n in top})
    labels = dict(Category.choices)
    rows = []
    for (subsystem_id, category), n in top:
        subsystem = subsystems[subsystem_id]
        rows.append(
            {
                "label": subsystem.name,
                "detail": str(labels.get(category, category)),
                "n": n,
                "figure": "problem",
                "key": f"{subsystem.code}:{category}",
                "faq_id": None,
            }
        )
    return {"source": "subsystems", "rows": rows}


def deflections(scope, period, limit=10) -> dict:
    """Tickets not filed because a suggested FAQ solved it, by FAQ. A
    deflection belongs to the region of the person who did not file (an
    anonymous one only to the prefecture); it has no operator, so it is
    not counted when the report is filtered by operator."""
    start, end = period.instants()
    f = scope.filters
    if not scope.allowed or f.operator_id:
        return {"total": 0, "faqs": [], "applies": not f.operator_id}
    q = Q(created__gte=start, created__lt=end)
    if f.region.level != Region.Level.PREFECTURE:
        q &= Q(user__department__region__code__startswith=f.region.subtree_prefix)
    if f.department_id:
        q &= Q(user__department_id=f.department_id)
    if f.subsystem:
        q &= Q(subsystem__code=f.subsystem)
    if f.category:
        q &= Q(faq__category=f.category)
    faqs = list(
        Deflection.objects.filter(q)
        .values("faq_id", title=F("faq__kbitem__title"))
        .annotate(n=Count("pk"))
        .order_by("-n", "faq_id")
    )
    return {"total": sum(row["n"] for row in faqs), "faqs": faqs[:limit], "applies": True}


def knowledge_gaps(scope, period, limit=10) -> dict:
    """Searches without an answer in the period, grouped as on the
    knowledge base's 知识缺口 page, most asked first. Like a deflection, a
    search belongs to the region of whoever searched (a visitor's only to the
    prefecture); it has no operator, subsystem or category."""
    start, end = period.instants()
    f = scope.filters
    applies = not (f.operator_id or f.subsystem or f.category)
    if not scope.allowed or not applies:
        return {"gaps": [], "applies": applies}
    q = Q(created__gte=start, created__lt=end)
    if f.region.level != Region.Level.PREFECTURE:
        q &= Q(user__department__region__code__startswith=f.region.subtree_prefix)
    if f.department_id:
        q &= Q(user__department_id=f.department_id)
    gaps = kb_selectors.knowledge_gaps(limit, SearchMiss.objects.filter(q))
    return {"gaps": list(gaps), "applies": True}


def _instants_key(period) -> str:
    return ":".join(str(daily.microseconds(at)) for at in period.instants())


def _stopped_operators(resolved, cutoff) -> dict[int, dict]:
    """Per operator, over resolution clocks stopped in a period: resolved,
    met, median working minutes, and how many were still open at the
    cutoff (stopped after it)."""
    c = daily.microseconds(cutoff)
    rows = resolved.rows
    held = rows["operator"][(rows["started"] < c) & (rows["stopped"] >= c)]
    open_counts = dict(zip(*(a.tolist() for a in np.unique(held, return_counts=True)), strict=True))
    return {
        pk: found | {"open": open_counts.get(pk, 0)}
        for pk, found in resolved.medians_by("operator").items()
    }


def operators(scope, period, now, stopped=None) -> list[dict]:
    """Per operator, in one grouped query: resolved in the period,
    compliance, median resolution, and what they hold open at its end.
    With `stopped` (`stopped_clocks`), the resolved clocks' figures come
    from those rows and the open ones from `Stopped.held_at_end`."""
    _start, _end, cutoff = _bounds(period, now)
    stopped_q, holding = _stopped_in(period), _backlog(cutoff)
    clocks = scope.clocks(RESOLUTION)
    if stopped is None:
        found = {
            row["operator"]: row
            for row in clocks.filter(stopped_q | holding)
            .values(operator=F("ticket__assigned_to"))
            .annotate(
                n=Count("pk", filter=stopped_q),
                met=Count("pk", filter=stopped_q & Q(breached_at__isnull=True)),
                p50=Percentile(F("consumed_seconds") / 60.0, 0.5, filter=stopped_q),
                open=Count("pk", filter=holding),
            )
            .order_by()
            if row["operator"] is not None
        }
    else:
        # Open at the end: the clocks not stopped in the period from the
        # clocks table, those stopped in it after the cutoff from the rows.
        found = {
            pk: {"operator": pk, "n": 0, "met": 0, "p50": None, "open": row["held"]}
            for pk, row in stopped.held_at_end(period, now).items()
            if pk is not None and row["held"]
        }
        for pk, kept in stopped.computed(
            f"operators:{_instants_key(period)}:{daily.microseconds(cutoff)}",
            lambda: _stopped_operators(stopped[RESOLUTION], cutoff),
        ).items():
            row = found.setdefault(pk, {"operator": pk, "n": 0, "met": 0, "p50": None, "open": 0})
            row.update(n=kept["n"], met=kept["met"], p50=kept["p50"])
            row["open"] += kept["open"]
    people = User.objects.in_bulk(set(found))
    rows = []
    for pk, row in sorted(found.items(), key=lambda item: (-item[1]["n"], item[0])):
        rows.append(
            {
                "id": pk,
                "name": people[pk].display_name() if pk in people else str(pk),
                "resolved": row["n"],
                "met": row["met"],
                "compliance": stats.rate(row["met"], row["n"]),
                "p50": row["p50"],
                "open": row["open"],
            }
        )
    return rows


@dataclass
class Figures:
    filters: Filters
    now: dt.datetime
    volume: dict = field(default_factory=dict)
    counties: list = field(default_factory=list)
    response: dict = field(default_factory=dict)
    resolution: dict = field(default_factory=dict)
    breaches: dict = field(default_factory=dict)
    breached_tickets: int = 0
    previous_breached_tickets: int = 0
    escalations: list = field(default_factory=list)
    backlog: dict = field(default_factory=dict)
    overdue: dict = field(default_factory=dict)
    emergencies: dict = field(default_factory=dict)
    handling_log: dict = field(default_factory=dict)
    satisfaction: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    problem_source: str = "subsystems"
    deflections: dict = field(default_factory=dict)
    gaps: dict = field(default_factory=dict)
    operators: list = field(default_factory=list)
    previous: dict = field(default_factory=dict)
    # The previous period over the same span, and whether the desk had
    # begun by its start (else its figures are partial: no comparison).
    comparable: Period | None = None
    comparable_partial: bool = False
    desk_start: dt.date | None = None
    groups: dict = field(default_factory=dict)
    weakest: list = field(default_factory=list)
    causes: dict = field(default_factory=dict)
    # The weak counties' 超期件 at their latest spot check (inspections), by code.
    overdue_checks: dict = field(default_factory=dict)

    @property
    def headline(self) -> dict:
        return headline_of(
            self.volume, self.response, self.resolution, self.breaches, self.satisfaction
        )


def headline_of(volume, response, resolution, breach_counts, satisfaction) -> dict:
    """The key numbers compared with the previous period."""
    return {
        "filed": volume["total"],
        "resolved": resolution["n"],
        "response_p50": response["p50"],
        "resolution_p50": resolution["p50"],
        "compliance": stats.rate(resolution["met"], resolution["n"]),
        "breaches": sum(breach_counts.values()),
        "satisfied_rate": satisfaction["satisfied_rate"],
    }


def local_date(now) -> dt.date:
    return now.astimezone(SHANGHAI).date()


def desk_start() -> dt.date | None:
    """The local day of the desk's first ticket: before it there are no figures."""
    first = Ticket.objects.aggregate(first=Min("created"))["first"]
    return None if first is None else local_date(first)


def figures(filters: Filters, user=None, now=None, *, lists=True) -> Figures:
    """Raises periods.FuturePeriod for a period that has not begun. Without
    `lists`, what the dashboard does not show is left empty: the overdue
    items (their count is there) and the handling log."""
    now = now or timezone.now()
    filters = replace(filters, period=as_of(filters.period, local_date(now)))
    scope = scope_for(filters, user)
    period = filters.period
    result = Figures(filters=filters, now=now)
    with report_session():
        today = local_date(now)
        groups = ticket_breakdown(scope, period, today)
        stopped = stopped_clocks(scope, period, today)
        summary = clock_summary(scope, period, now, stopped=stopped)
        result.volume = volume(groups)
        result.counties = by_county(groups, filters.region)
        result.response = times(summary, RESPONSE)
        result.resolution = times(summary, RESOLUTION)
        result.breaches = breaches(summary)
        result.breached_tickets = breached_tickets(summary)
        result.escalations = escalations(scope, period, stopped)
        result.backlog = backlog(summary)
        result.overdue = overdue(scope, period, now, summary[RESOLUTION]["overdue"], lists)
        result.emergencies = emergencies(scope, period, now)
        if lists:
            result.handling_log = handling_log(scope, period)
        result.satisfaction = satisfaction(scope, period, now)
        problems = recurring_problems(scope, period, groups, stopped=stopped)
        result.problems, result.problem_source = problems["rows"], problems["source"]
        result.deflections = deflections(scope, period)
        result.gaps = knowledge_gaps(scope, period)
        result.operators = operators(scope, period, now, stopped)
        before = period.comparable()
        result.comparable = before
        result.desk_start = desk_start()
        result.comparable_partial = result.desk_start is None or result.desk_start > before.start
        earlier_groups = ticket_breakdown(scope, before, today)
        result.groups = weak_spot_groups(groups, earlier_groups, filters.region)
        result.weakest = weakspots.weakest(
            g
            for dimension in DIMENSIONS
            if dimension != "prefecture_department"
            for g in result.groups[dimension]
        )
        result.causes = weak_spot_causes(scope, period, result.weakest, stopped)
        result.overdue_checks = inspections.latest_overdue(
            [g.key for g in result.weakest if g.dimension == "county"], period.covered_end
        )
        earlier = clock_summary(
            scope, before, now, backlog=False, stopped=stopped_clocks(scope, before, today)
        )
        result.previous_breached_tickets = breached_tickets(earlier)
        result.previous = headline_of(
            volume(earlier_groups),
            times(earlier, RESPONSE),
            times(earlier, RESOLUTION),
            breaches(earlier),
            satisfaction(scope, before, now),
        )
    return result


# --- Drill-down ---------------------------------------------------------------

FIGURES = (
    "filed",
    "day",
    "county",
    "problem",
    "resolved",
    "breached",
    "backlog",
    "overdue",
    "overdue_open",
    "emergency",
    "rating",
    "follow_up_open",
    "follow_up_overdue",
    "operator",
    "operator_open",
    "stopped",
    "met",
    "escalation",
    "backlog_age",
    "cluster",
    "group",
    "group_missed",
)


def _kind(key: str) -> str:
    if key not in ClockKind.values:
        raise ValueError(key)
    return key


def _age_bucket(key: str) -> tuple[int, int | None]:
    for low, high in AGE_BUCKETS:
        if age_key(low, high) == key:
            return low, high
    raise ValueError(key)


def _met_clocks(key: str) -> tuple[str, Q]:
    """The clocks behind a compliance figure: "response" or "resolution"
    overall, "county:<code>" or "operator:<id>" for the resolution clock."""
    met = Q(breached_at__isnull=True)
    if key in ClockKind.values:
        return key, met
    part, _sep, value = key.partition(":")
    if part == "county" and value.isdigit() and len(value) == 6:
        return RESOLUTION, met & Q(ticket__details__region__code__startswith=value)
    if part == "operator" and value.isdigit():
        return RESOLUTION, met & Q(ticket__assigned_to_id=int(value))
    raise ValueError(key)


def _group_selects(key: str) -> tuple[str, int | str]:
    """A weak-spot group ("dimension:value") as what it selects on: the
    county code, the department, the subsystem or the category, and its
    value. Raises ValueError on a malformed key."""
    dimension, _sep, value = key.partition(":")
    if dimension == "county" and value.isdigit() and len(value) == 6:
        return "county", value
    if dimension in ("department", "prefecture_department") and value.isdigit():
        return "department", int(value)
    if dimension == "subsystem" and value.isdigit():
        return "subsystem", int(value)
    if dimension == "category" and value in Category.values:
        return "category", value
    raise ValueError(key)


GROUP_LOOKUPS = {
    "county": "ticket__details__region__code__startswith",
    "department": "ticket__details__department_id",
    "subsystem": "ticket__details__subsystem_id",
    "category": "ticket__details__category",
}


def _group_q(key: str) -> Q:
    """A weak-spot group ("dimension:value") as a condition on clocks."""
    column, value = _group_selects(key)
    return Q(**{GROUP_LOOKUPS[column]: value})


def tickets_behind(filters: Filters, figure: str, key: str = "", user=None, now=None):
    """The tickets a figure counts. Raises ValueError on an unknown figure or
    a malformed key."""
    now = now or timezone.now()
    filters = replace(filters, period=as_of(filters.period, local_date(now)))
    scope = scope_for(filters, user)
    tickets = scope.tickets()
    period = filters.period
    start, end, cutoff = _bounds(period, now)

    def clock_tickets(condition, kind=RESOLUTION):
        return tickets.filter(pk__in=scope.clocks(kind).filter(condition).values("ticket_id"))

    if figure == "filed":
        return filed_in(scope, period)
    if figure == "day":
        day = dt.date.fromisoformat(key)
        bucket = Period(period.kind, day, day + dt.timedelta(days=1))
        if period.trend_unit == "month":
            bucket = Period(period.kind, day, (day + dt.timedelta(days=32)).replace(day=1))
        return filed_in(scope, bucket)
    if figure == "county":
        if not (key.isdigit() and len(key) == 6):
            raise ValueError(key)
        return filed_in(scope, period).filter(details__region__code__startswith=key)
    if figure == "problem":
        subsystem, _sep, category = key.partition(":")
        if not Subsystem.objects.filter(code=subsystem).exists() or category not in Category.values:
            raise ValueError(key)
        return filed_in(scope, period).filter(
            details__subsystem__code=subsystem, details__category=category
        )
    if figure == "resolved":
        return clock_tickets(_stopped_in(period))
    if figure == "breached":
        kinds = [key] if key else [RESPONSE, RESOLUTION]
        if not set(kinds) <= set(ClockKind.values):
            raise ValueError(key)
        condition = Q(breached_at__gte=start, breached_at__lt=end, kind__in=kinds)
        return tickets.filter(pk__in=SlaClock.objects.filter(condition).values("ticket_id"))
    if figure == "backlog":
        return clock_tickets(_backlog(cutoff))
    if figure == "overdue":
        return clock_tickets(_overdue(period, now))
    if figure == "overdue_open":
        return clock_tickets(_overdue(period, now) & _backlog(cutoff))
    if figure == "emergency":
        return tickets.filter(incident__started_at__gte=start, incident__started_at__lt=end)
    if figure == "rating":
        score = int(key)
        if score not in Score.values:
            raise ValueError(key)
        return tickets.filter(
            rating__score=score, rating__rated_at__gte=start, rating__rated_at__lt=end
        )
    if figure == "follow_up_open":
        open_q = Q(opened_at__lt=cutoff) & (
            Q(rectified_at__isnull=True) | Q(rectified_at__gte=cutoff)
        )
        return tickets.filter(pk__in=_follow_ups(scope).filter(open_q).values("ticket_id"))
    if figure == "follow_up_overdue":
        late = Q(opened_at__lt=cutoff, due_at__lt=cutoff) & (
            Q(rectified_at__isnull=True) | Q(rectified_at__gt=F("due_at"))
        )
        return tickets.filter(pk__in=_follow_ups(scope).filter(late).values("ticket_id"))
    if figure == "operator":
        return clock_tickets(_stopped_in(period)).filter(assigned_to_id=int(key))
    if figure == "operator_open":
        return clock_tickets(_backlog(cutoff)).filter(assigned_to_id=int(key))
    if figure == "stopped":
        return clock_tickets(_stopped_in(period), _kind(key))
    if figure == "met":
        kind, condition = _met_clocks(key)
        return clock_tickets(_stopped_in(period) & condition, kind)
    if figure == "escalation":
        kind, _sep, level = key.partition(":")
        fired = EscalationEvent.objects.filter(
            fired_at__gte=start, fired_at__lt=end, step__clock=_kind(kind), step__percent=int(level)
        )
        return tickets.filter(pk__in=fired.values("clock__ticket_id"))
    if figure == "backlog_age":
        low, high = _age_bucket(key)
        return clock_tickets(_backlog(cutoff) & _age(low, high, cutoff))
    if figure == "cluster":
        return filed_in(scope, period).filter(faq_candidates=int(key))
    if figure in ("group", "group_missed"):
        condition = _stopped_in(period) & _group_q(key)
        if figure == "group_missed":
            condition &= Q(breached_at__isnull=False)
        return clock_tickets(condition)
    raise ValueError(figure)


def key_name(figure: str, key: str) -> str:
    """What a drill-down key stands for, in the words of the page: a county,
    a department, a subsystem, a category, an operator, a clock or a group
    of similar tickets. Raises ValueError on a malformed key."""
    if not key:
        return ""
    if figure == "county":
        return _named(Region.objects.filter(code=key), "name", key)
    if figure in ("operator", "operator_open"):
        return _person(key)
    if figure == "cluster":
        return _named(FaqCandidate.objects.filter(pk=int(key)), "title", key)
    if figure == "problem":
        subsystem, _sep, category = key.partition(":")
        name = _named(Subsystem.objects.filter(code=subsystem), "name", subsystem)
        return f"{name} · {Category(category).label}"
    if figure in ("stopped", "breached"):
        return str(ClockKind(key).label)
    if figure == "escalation":
        kind, _sep, level = key.partition(":")
        return f"{ClockKind(kind).label} {int(level)}%"
    if figure == "met":
        if key in ClockKind.values:
            return str(ClockKind(key).label)
        part, _sep, value = key.partition(":")
        return _person(value) if part == "operator" else key_name("county", value)
    if figure in ("group", "group_missed"):
        dimension, _sep, value = key.partition(":")
        if dimension == "county":
            return key_name("county", value)
        if dimension in ("department", "prefecture_department"):
            return _named(Department.objects.filter(pk=int(value)), "name", value)
        if dimension == "subsystem":
            return _named(Subsystem.objects.filter(pk=int(value)), "name", value)
        return str(Category(value).label)
    return key


def _named(queryset, field_name: str, fallback: str) -> str:
    return queryset.values_list(field_name, flat=True).first() or fallback


def _person(key: str) -> str:
    person = User.objects.filter(pk=int(key)).first()
    return person.display_name() if person else key


def department_details(filters: Filters, now) -> dict[str, dict]:
    """Per department (by id, as in the weak-spot groups): the backlog at the
    period's end, the 差评 given in the period and the median working minutes
    to resolution of the clocks stopped in it. The workbook's department
    sheet adds these to the on-time figures."""
    scope = scope_for(filters)
    period = filters.period
    start, end, cutoff = _bounds(period, now)
    department = F("ticket__details__department_id")
    found: dict[str, dict] = {}

    def put(rows, name):
        for row in rows:
            if row["department"] is not None:
                found.setdefault(str(row["department"]), {})[name] = row["value"]

    clocks = scope.clocks(RESOLUTION).values(department=department).order_by()
    put(clocks.filter(_backlog(cutoff)).annotate(value=Count("pk")), "backlog")
    put(
        clocks.filter(_stopped_in(period)).annotate(
            value=Percentile(F("consumed_seconds") / 60.0, 0.5)
        ),
        "resolution_p50",
    )
    bad = Rating.objects.filter(
        scope.q("ticket__"), rated_at__gte=start, rated_at__lt=end, score__lte=BAD_RATING_MAX
    )
    put(bad.values(department=department).order_by().annotate(value=Count("pk")), "bad")
    return found
