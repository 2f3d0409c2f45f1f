"""Reads of the rectification ledger (整改台账), always within the reader's
region as the scope module says, and the weak spots an item comes from."""

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope as ticket_scope
from rectification import rules
from rectification.models import RectificationItem, Status
from reporting import documents, weakspots
from reporting import selectors as report_selectors
from reporting.periods import Period, as_of
from reporting.selectors import Filters
from sla.selectors import Calendars

WEAKEST = 5


def region_q(root: Region) -> Q:
    """Items found in the region's subtree, or whose responsible department
    lies in it: a county's supervisor sees what the prefecture asked of
    that county's departments."""
    prefix = root.subtree_prefix
    return Q(region__code__startswith=prefix) | Q(department__region__code__startswith=prefix)


def items_for(user) -> QuerySet[RectificationItem]:
    """The items a supervisor (or administrator) may read and work; nothing
    for anyone else."""
    root = ticket_scope.reported_region(user)
    if root is None:
        return RectificationItem.objects.none()
    return items_in(root)


def items_in(region: Region) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.filter(region_q(region)).select_related(
        "region", "department__region", "created_by", "completed_by"
    )


def may_work(user, item: RectificationItem) -> bool:
    return ticket_scope.may_read_reports_on(user, item.region) or ticket_scope.may_read_reports_on(
        user, item.department.region
    )


def item_or_404(user, pk: int) -> RectificationItem:
    """Out of the reader's region looks like not there at all."""
    item = items_for(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def status_counts(items: QuerySet) -> dict[str, int]:
    found = {
        row["status"]: row["n"] for row in items.order_by().values("status").annotate(n=Count("pk"))
    }
    return {value: found.get(value, 0) for value in Status.values}


def history(item: RectificationItem):
    return item.events.select_related("actor")


# --- What the reports read ------------------------------------------------------


@dataclass(frozen=True)
class ReportedItem:
    """An item as a report shows it: its status when the report's figures
    end, told from its history."""

    item: RectificationItem
    status: str | None
    outcome: str
    carried_over: bool  # from a period before the previous one, still open


def as_of_cutoff(items, cutoff: dt.datetime, carried_over=False) -> list[ReportedItem]:
    rows = []
    for item in items:
        events = [(e.at, e.status_after) for e in item.events.all()]
        status = rules.status_on(events, item.deadline, cutoff)
        if status is None:
            continue
        completed = item.completed_at if status == rules.Status.DONE else None
        completed_on = timezone.localtime(completed).date() if completed else None
        rows.append(
            ReportedItem(
                item,
                status,
                rules.completion_phrase(status, completed_on, item.original_deadline),
                carried_over,
            )
        )
    return rows


def report_cutoff(period: Period, now: dt.datetime) -> dt.datetime:
    _start, end = period.instants()
    return min(end, now)


def previous_items(region: Region, period: Period, now=None) -> list[ReportedItem]:
    """The items found in the period before this one (same kind), and those
    of earlier periods still open at this one's end, with their status then."""
    now = now or timezone.now()
    cutoff = report_cutoff(period, now)
    before = period.previous()
    items = items_in(region).filter(created_at__lt=cutoff).prefetch_related("events")
    last = items.filter(period_kind=period.kind, period_start=before.start).order_by("id")
    earlier = items.filter(period_kind=period.kind, period_start__lt=before.start).order_by("id")
    carried = [
        row
        for row in as_of_cutoff(earlier, cutoff, carried_over=True)
        if row.status not in (rules.Status.DONE, rules.Status.WITHDRAWN)
    ]
    return as_of_cutoff(last, cutoff) + carried


def period_items(region: Region, period: Period) -> QuerySet[RectificationItem]:
    """The items found in this very period."""
    return items_in(region).filter(period_kind=period.kind, period_start=period.start)


# --- Weak spots and proposals ---------------------------------------------------


@dataclass(frozen=True)
class WeakSpot:
    filters: Filters
    group: weakspots.Group
    causes: dict

    @property
    def key(self) -> str:
        return f"{self.group.dimension}:{self.group.key}"

    @property
    def label(self) -> str:
        return documents.DIMENSION_LABELS[self.group.dimension]

    @property
    def evidence(self) -> str:
        return documents.group_evidence(self.group, self.causes)

    @property
    def advice(self) -> str:
        return weakspots.advice_sentence(
            f"{self.label}“{self.group.name}”",
            documents.measure(self.causes),
            self.group.missed,
            self.causes,
        )

    def snapshot(self) -> dict:
        """The figures as they were when the item was made."""
        g = self.group
        return {
            "filed": g.filed,
            "resolved": g.resolved,
            "met": g.met,
            "rate": g.rate,
            "lower_bound": g.lower_bound,
            "previous_resolved": g.previous_resolved,
            "previous_met": g.previous_met,
            "causes": {k: v for k, v in self.causes.items() if v is not None},
            "sentence": self.evidence,
            "until": self.filters.period.covered_end.isoformat(),
        }


def _groups(filters: Filters, now) -> tuple[Filters, dict]:
    filters = replace(filters, period=as_of(filters.period, timezone.localtime(now).date()))
    scope = report_selectors.scope_for(filters)
    with report_selectors.report_session():
        groups = report_selectors.ticket_breakdown(scope, filters.period)
        before = report_selectors.ticket_breakdown(scope, filters.period.comparable())
        return filters, report_selectors.weak_spot_groups(groups, before, filters.region)


def _with_causes(filters: Filters, groups) -> list[WeakSpot]:
    scope = report_selectors.scope_for(filters)
    causes = report_selectors.weak_spot_causes(scope, filters.period, groups)
    return [WeakSpot(filters, g, causes.get(f"{g.dimension}:{g.key}", {})) for g in groups]


def weak_spot(filters: Filters, dimension: str, key: str, now=None) -> WeakSpot | None:
    """One group of the period's weak-spot tables, with its figures and
    causes, as the dashboard shows it; None when there is no such group."""
    filters, groups = _groups(filters, now or timezone.now())
    found = next((g for g in groups.get(dimension, []) if g.key == key), None)
    if found is None:
        return None
    return _with_causes(filters, [found])[0]


def in_ledger(region: Region, period: Period) -> dict[str, RectificationItem]:
    """The period's items found in this region, by weak-spot key."""
    return {
        f"{item.dimension}:{item.group_key}": item
        for item in RectificationItem.objects.filter(
            region=region, period_kind=period.kind, period_start=period.start
        )
    }


def proposals_from(filters: Filters, weakest: list, causes: dict) -> list[WeakSpot]:
    """The weakest groups of a report not yet in the ledger."""
    taken = in_ledger(filters.region, filters.period)
    return [
        WeakSpot(filters, g, causes.get(f"{g.dimension}:{g.key}", {}))
        for g in weakest
        if f"{g.dimension}:{g.key}" not in taken
    ]


def proposals(filters: Filters, now=None) -> list[WeakSpot]:
    """The period's five weakest groups not yet in the ledger (整改建议)."""
    filters, groups = _groups(filters, now or timezone.now())
    weakest = weakspots.weakest(
        (
            g
            for dimension in report_selectors.DIMENSIONS
            if dimension != "prefecture_department"
            for g in groups[dimension]
        ),
        limit=WEAKEST,
    )
    taken = in_ledger(filters.region, filters.period)
    return _with_causes(filters, [g for g in weakest if f"{g.dimension}:{g.key}" not in taken])


def suggested_department(spot: WeakSpot) -> Department | None:
    """Who answers for a weak spot when nobody says otherwise: the
    department itself, or the government service centre (政务服务中心) of
    the county or of the report's region."""
    group = spot.group
    if group.dimension in ("department", "prefecture_department"):
        return Department.objects.filter(pk=group.key).first()
    code = group.key if group.dimension == "county" else spot.filters.region.code
    found = Department.objects.filter(region_id=code)
    return found.filter(name__contains="政务服务").first() or found.first()


def departments_for(user) -> QuerySet[Department]:
    """The departments a supervisor may make responsible: those in their region."""
    root = ticket_scope.reported_region(user)
    if root is None:
        return Department.objects.none()
    return Department.objects.filter(region__code__startswith=root.subtree_prefix).select_related(
        "region"
    )


def calendar():
    """The SLA engine's default business calendar."""
    return Calendars().get(None)
