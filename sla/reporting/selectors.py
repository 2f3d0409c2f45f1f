"""Every figure of the dashboards and period reports, each one grouped query
in the database over a ticket queryset that already carries the reader's
scope and filters. The same conditions give the tickets behind each figure
(`tickets_behind`), so a number and its drill-down always agree.

Times come from the SLA engine's clocks (working time, minutes); tickets
filed before the engine ran have no clocks and count only in volumes.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncDay, TruncMonth
from django.utils import timezone
from helpdesk.models import Ticket

from helpdesk_site.people.models import User
from helpdesk_site.regions.models import Region
from helpdesk_site.satisfaction.models import BAD_RATING_MAX, BadRatingFollowUp, Rating, Score
from helpdesk_site.tickets import scope as ticket_scope
from helpdesk_site.tickets.models import Category, Subsystem
from sla.models import ClockKind, EscalationEvent, HandlingLogEntry, Incident, LogKind, SlaClock
from sla.reporting import stats
from sla.reporting.aggregates import Percentile
from sla.reporting.periods import SHANGHAI, Period

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
        query["region"] = self.region.code
        for name in ("department_id", "subsystem", "category", "operator_id"):
            value = getattr(self, name)
            if value not in (None, ""):
                query[name.removesuffix("_id")] = value
        return query


def report_region_for(user) -> Region | None:
    """The widest region a user may report on: a supervisor's subtree root,
    the prefecture for an administrator."""
    region = ticket_scope.supervised_region(user)
    if region is None and user.is_authenticated and ticket_scope._is_admin(user):
        region = Region.objects.filter(level=Region.Level.PREFECTURE).first()
    return region


def covers(user, region: Region) -> bool:
    root = report_region_for(user)
    return root is not None and region.code.startswith(root.subtree_prefix)


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
        q = Q()
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

    def tickets(self) -> QuerySet[Ticket]:
        return Ticket.objects.filter(self.q())

    def clocks(self, kind) -> QuerySet[SlaClock]:
        return SlaClock.objects.filter(self.q("ticket__"), kind=kind)


def scope_for(filters: Filters, user=None) -> Scope:
    """A person reads only what the scope module lets them: a supervisor's
    subtree (or everything, for an administrator) must hold the report's
    region. Scheduled reports (no user) are written for their region."""
    return Scope(filters, allowed=user is None or covers(user, filters.region))


# --- Conditions shared by figures and their drill-downs ----------------------


def _bounds(period: Period, now) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    start, end = period.instants()
    return start, end, min(end, now)


def filed_in(scope: Scope, period) -> QuerySet[Ticket]:
    start, end = period.instants()
    return scope.tickets().filter(created__gte=start, created__lt=end)


def _stopped_in(period) -> Q:
    start, end = period.instants()
    return Q(stopped_at__gte=start, stopped_at__lt=end, policy__isnull=False)


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


def volume(scope, period) -> dict:
    filed = filed_in(scope, period)
    trunc = TruncMonth if period.trend_unit == "month" else TruncDay
    trend = {
        row["bucket"].date() if isinstance(row["bucket"], dt.datetime) else row["bucket"]: row["n"]
        for row in filed.annotate(bucket=trunc("created", tzinfo=SHANGHAI))
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return {"total": sum(trend.values()), "trend": trend}


def by_county(scope, period, now) -> list[dict]:
    """Volume, resolutions and compliance per county: the weak spots."""
    filed = dict(
        filed_in(scope, period)
        .annotate(county=Substr("details__region_id", 1, 6))
        .values_list("county")
        .annotate(n=Count("pk"))
        .order_by()
    )
    resolved = {
        row["county"]: row
        for row in scope.clocks(RESOLUTION)
        .filter(_stopped_in(period))
        .annotate(county=Substr("ticket__details__region_id", 1, 6))
        .values("county")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(breached_at__isnull=True)))
        .order_by()
    }
    names = dict(
        Region.objects.filter(code__in=set(filed) | set(resolved)).values_list("code", "name")
    )
    rows = []
    for code in sorted(set(filed) | set(resolved)):
        done = resolved.get(code, {"n": 0, "met": 0})
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "filed": filed.get(code, 0),
                "resolved": done["n"],
                "compliance": stats.rate(done["met"], done["n"]),
            }
        )
    return rows


def times(scope, period, kind) -> dict:
    """Median and p90 working minutes of clocks stopped in the period, the
    median target, and the share met (SLA compliance)."""
    minutes = F("consumed_seconds") / 60.0
    return scope.clocks(kind).filter(_stopped_in(period)).aggregate(
        n=Count("pk"),
        met=Count("pk", filter=Q(breached_at__isnull=True)),
        p50=Percentile(minutes, 0.5),
        p90=Percentile(minutes, 0.9),
        target=Percentile("target_minutes", 0.5),
    ) | {"kind": kind}


def breaches(scope, period) -> dict:
    start, end = period.instants()
    rows = (
        SlaClock.objects.filter(scope.q("ticket__"), breached_at__gte=start, breached_at__lt=end)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = dict(rows)
    return {RESPONSE: found.get(RESPONSE, 0), RESOLUTION: found.get(RESOLUTION, 0)}


def escalations(scope, period) -> list[dict]:
    """Escalation steps fired in the period, by clock and level (% of target)."""
    start, end = period.instants()
    return list(
        EscalationEvent.objects.filter(
            scope.q("clock__ticket__"), fired_at__gte=start, fired_at__lt=end
        )
        .values(clock_kind=F("step__clock"), level=F("step__percent"))
        .annotate(n=Count("pk"))
        .order_by("clock_kind", "level")
    )


def backlog(scope, period, now) -> dict:
    """Tickets open at the end of the period (or now), by age."""
    _start, _end, cutoff = _bounds(period, now)
    buckets = {}
    for low, high in AGE_BUCKETS:
        condition = Q(started_at__lte=cutoff - dt.timedelta(days=low))
        if high is not None:
            condition &= Q(started_at__gt=cutoff - dt.timedelta(days=high))
        buckets[f"{low}-{high or ''}"] = Count("pk", filter=condition)
    found = (
        scope.clocks(RESOLUTION).filter(_backlog(cutoff)).aggregate(total=Count("pk"), **buckets)
    )
    return {"total": found.pop("total"), "ages": found}


def overdue(scope, period, now) -> dict:
    clocks = scope.clocks(RESOLUTION).filter(_overdue(period, now))
    items = list(
        clocks.select_related("ticket", "ticket__details__department", "ticket__assigned_to")
        .annotate(region_name=F("ticket__details__region__name"))
        .order_by("due_at")[:LIST_LIMIT]
    )
    return {"total": clocks.count(), "items": items}


def emergencies(scope, period, now) -> dict:
    start, end, cutoff = _bounds(period, now)
    found = Incident.objects.filter(scope.q("ticket__"), started_at__gte=start, started_at__lt=end)
    incidents = list(found.select_related("ticket").order_by("started_at")[:LIST_LIMIT])
    for incident in incidents:
        incident.duration_minutes = (
            (incident.ended_at or cutoff) - incident.started_at
        ).total_seconds() / 60
    return {"total": found.count(), "items": incidents}


def handling_log(scope, period) -> dict:
    """The fault-handling log of the period: events by kind, and the root
    causes and fixes recorded."""
    start, end = period.instants()
    entries = HandlingLogEntry.objects.filter(scope.q("ticket__"), at__gte=start, at__lt=end)
    counts = dict(entries.values_list("kind").annotate(n=Count("pk")).order_by())
    causes = list(
        entries.filter(kind=LogKind.ROOT_CAUSE).select_related("ticket").order_by("at")[:LIST_LIMIT]
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


def recurring_problems(scope, period, limit=10) -> list[dict]:
    """The subsystem and category pairs with the most tickets."""
    rows = list(
        filed_in(scope, period)
        .values(
            subsystem_code=F("details__subsystem__code"),
            subsystem_name=F("details__subsystem__name"),
            category=F("details__category"),
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "subsystem_code", "category")[:limit]
    )
    labels = dict(Category.choices)
    for row in rows:
        row["category_label"] = str(labels.get(row["category"], row["category"]))
    return rows


def operators(scope, period, now) -> list[dict]:
    """Per operator: resolved in the period, compliance, median resolution,
    and what they hold open at its end."""
    _start, _end, cutoff = _bounds(period, now)
    resolved = {
        row["operator"]: row
        for row in scope.clocks(RESOLUTION)
        .filter(_stopped_in(period))
        .values(operator=F("ticket__assigned_to"))
        .annotate(
            n=Count("pk"),
            met=Count("pk", filter=Q(breached_at__isnull=True)),
            p50=Percentile(F("consumed_seconds") / 60.0, 0.5),
        )
        .order_by()
    }
    holding = dict(
        scope.clocks(RESOLUTION)
        .filter(_backlog(cutoff))
        .values_list("ticket__assigned_to")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ids = {pk for pk in set(resolved) | set(holding) if pk is not None}
    people = User.objects.in_bulk(ids)
    rows = []
    for pk in sorted(ids, key=lambda i: -resolved.get(i, {}).get("n", 0)):
        done = resolved.get(pk, {"n": 0, "met": 0, "p50": None})
        rows.append(
            {
                "id": pk,
                "name": people[pk].display_name() if pk in people else str(pk),
                "resolved": done["n"],
                "compliance": stats.rate(done["met"], done["n"]),
                "p50": done["p50"],
                "open": holding.get(pk, 0),
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
    escalations: list = field(default_factory=list)
    backlog: dict = field(default_factory=dict)
    overdue: dict = field(default_factory=dict)
    emergencies: dict = field(default_factory=dict)
    handling_log: dict = field(default_factory=dict)
    satisfaction: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    operators: list = field(default_factory=list)
    previous: dict = field(default_factory=dict)

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


def figures(filters: Filters, user=None, now=None) -> Figures:
    now = now or timezone.now()
    scope = scope_for(filters, user)
    period = filters.period
    result = Figures(filters=filters, now=now)
    result.volume = volume(scope, period)
    result.counties = by_county(scope, period, now)
    result.response = times(scope, period, RESPONSE)
    result.resolution = times(scope, period, RESOLUTION)
    result.breaches = breaches(scope, period)
    result.escalations = escalations(scope, period)
    result.backlog = backlog(scope, period, now)
    result.overdue = overdue(scope, period, now)
    result.emergencies = emergencies(scope, period, now)
    result.handling_log = handling_log(scope, period)
    result.satisfaction = satisfaction(scope, period, now)
    result.problems = recurring_problems(scope, period)
    result.operators = operators(scope, period, now)
    before = period.previous()
    result.previous = headline_of(
        volume(scope, before),
        times(scope, before, RESPONSE),
        times(scope, before, RESOLUTION),
        breaches(scope, before),
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
    "emergency",
    "rating",
    "follow_up_open",
    "operator",
)


def tickets_behind(filters: Filters, figure: str, key: str = "", user=None, now=None):
    """The tickets a figure counts. Raises ValueError on an unknown figure or
    a malformed key."""
    now = now or timezone.now()
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
    if figure == "operator":
        return clock_tickets(_stopped_in(period)).filter(assigned_to_id=int(key))
    raise ValueError(figure)
