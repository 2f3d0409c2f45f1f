"""Reads of key work (重点工作), always within the reader's scope as
helpdesk_site/tickets/scope.py says: the per-county board, the item lists
and what the reports show."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope
from keywork import rules
from keywork.models import Attachment, Item, Milestone, Status, Update
from sla.selectors import Calendars

PREFECTURE_CODE = "513300"
# "Due soon" on the board and the dashboard: a deadline within this many days.
DUE_SOON_DAYS = 7


def calendar():
    """The SLA engine's default business calendar."""
    return Calendars().get(None)


def overdue_q(today: dt.date) -> Q:
    """Open items with a missed deadline: their own, or an open milestone's."""
    late_milestone = Milestone.objects.filter(
        item=OuterRef("pk"), done_at__isnull=True, deadline__lt=today
    )
    return Q(status__in=rules.OPEN_STATUSES) & (
        Q(status=Status.LATE) | Q(due_date__lt=today) | Q(Exists(late_milestone))
    )


def due_soon_q(today: dt.date) -> Q:
    """Open items with a deadline (their own, or an open milestone's) from
    today to DUE_SOON_DAYS ahead."""
    window = (today, today + dt.timedelta(days=DUE_SOON_DAYS))
    near_milestone = Milestone.objects.filter(
        item=OuterRef("pk"), done_at__isnull=True, deadline__range=window
    )
    return Q(status__in=rules.OPEN_STATUSES) & (
        Q(due_date__range=window) | Q(Exists(near_milestone))
    )


def items_for(user) -> QuerySet[Item]:
    return (
        Item.objects.filter(scope.key_work_q(user))
        .select_related("region", "department__region")
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
        )
    )


def item_or_404(user, pk: int) -> Item:
    """Out of the reader's scope looks like not there at all."""
    item = items_for(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def filtered(items: QuerySet, *, year=None, kind="", status="", county="", text="") -> QuerySet:
    if year:
        items = items.filter(year=year)
    if kind:
        items = items.filter(kind=kind)
    if status == "overdue":
        items = items.filter(overdue_q(timezone.localdate()))
    elif status == "due_soon":
        items = items.filter(due_soon_q(timezone.localdate()))
    elif status:
        items = items.filter(status=status)
    if county:
        items = items.filter(region__code__startswith=county[:6])
    if text:
        items = items.filter(
            Q(title__icontains=text) | Q(goal__icontains=text) | Q(source_title__icontains=text)
        )
    return items


def closed_last() -> Case:
    """Open items first (Jira's unresolved first), then done and cancelled."""
    return Case(When(status__in=[Status.DONE, Status.CANCELLED], then=1), default=0)


def years(user) -> list[int]:
    """The years with items, and this year and the last, newest first."""
    found = set(Item.objects.filter(scope.key_work_q(user)).values_list("year", flat=True))
    this_year = timezone.localdate().year
    found |= {this_year, this_year - 1}
    return sorted(found, reverse=True)


@dataclass
class CountyRow:
    """One county's card on the board."""

    region: Region
    items: int = 0
    done: int = 0
    late: int = 0
    milestones_done: int = 0
    milestones_total: int = 0

    @property
    def progress(self) -> int | None:
        return rules.progress(self.milestones_done, self.milestones_total)

    @property
    def code(self) -> str:
        return self.region.code


def board(items: QuerySet, user, today=None) -> list[CountyRow]:
    """A card per county the reader may see (the prefecture's own items as
    州本级), with the items' milestones done of all, done and late counts."""
    today = today or timezone.localdate()
    rows = {r.code: CountyRow(r) for r in board_regions(user)}
    late = late_ids(items, today)
    for item in items:
        row = rows.get(item.region_id[:6])
        if row is None:
            continue
        row.items += 1
        row.done += item.status == Status.DONE
        row.late += item.pk in late
        row.milestones_done += item.milestones_done
        row.milestones_total += item.milestones_total
    return list(rows.values())


def board_regions(user) -> list[Region]:
    """The prefecture (州本级) and its counties within the reader's scope."""
    regions = Region.objects.filter(
        Q(level=Region.Level.COUNTY) | Q(level=Region.Level.PREFECTURE)
    ).order_by("code")
    root = scope.supervised_region(user)
    if root is not None:
        regions = regions.filter(code__startswith=root.subtree_prefix)
    elif user.role not in ("operator", "admin") and not user.is_superuser:
        county = user.department.region_id[:6] if user.department_id else ""
        regions = regions.filter(code=county)
    return list(regions)


def late_ids(items: QuerySet, today=None) -> set[int]:
    return set(items.filter(overdue_q(today or timezone.localdate())).values_list("pk", flat=True))


def milestones_of(item: Item) -> list[Milestone]:
    return list(item.milestones.select_related("done_by", "owner__region"))


def timeline(item: Item) -> list[tuple[dt.datetime, str, object]]:
    """Progress updates and the item's records, newest first, in one list."""
    updates = item.updates.select_related("author", "milestone").prefetch_related("attachments")
    events = (
        item.events.select_related("actor", "milestone")
        .exclude(action__in=["update", "submit"])
        .order_by("at", "id")
    )
    rows = [(u.at, "update", u) for u in updates] + [(e.at, "event", e) for e in events]
    return sorted(rows, key=lambda row: row[0], reverse=True)


def attachment_or_404(user, pk: int) -> Attachment:
    found = (
        Attachment.objects.filter(
            pk=pk, update__item__in=Item.objects.filter(scope.key_work_q(user))
        )
        .select_related("update")
        .first()
    )
    if found is None:
        raise Http404
    return found


def departments_for(user) -> QuerySet[Department]:
    """The departments a supervisor may name as owners: those in their region."""
    root = scope.reported_region(user)
    if root is None:
        return Department.objects.none()
    return Department.objects.filter(region__code__startswith=root.subtree_prefix).select_related(
        "region"
    )


def milestone_owners_for(user, item: Item) -> QuerySet[Department]:
    """The departments of the item's owner county the user may name."""
    return departments_for(user).filter(region__code__startswith=item.region.subtree_prefix)


def owner_regions_for(user) -> QuerySet[Region]:
    root = scope.reported_region(user)
    if root is None:
        return Region.objects.none()
    return Region.objects.filter(
        code__startswith=root.subtree_prefix,
        level__in=[Region.Level.PREFECTURE, Region.Level.COUNTY],
    ).order_by("code")


@dataclass(frozen=True)
class Alerts:
    """What the dashboard's card says, counted as the board's list counts it."""

    county: str
    open: int
    overdue: int
    late_milestones: int
    due_soon: int


def alerts(user, region: Region) -> Alerts:
    """Open, overdue and due-soon items of the region (all years) within
    the user's scope, and the missed milestones of the overdue ones: the
    board's filters with the same county give the same lists."""
    county = region.code if region.level == Region.Level.COUNTY else ""
    items = filtered(items_for(user), county=county)
    overdue = filtered(items, status="overdue")
    today = timezone.localdate()
    return Alerts(
        county=county,
        open=items.filter(status__in=rules.OPEN_STATUSES).count(),
        overdue=overdue.count(),
        late_milestones=Milestone.objects.filter(
            item__in=overdue.values("pk"), done_at__isnull=True, deadline__lt=today
        ).count(),
        due_soon=filtered(items, status="due_soon").count(),
    )


# --- What the reports read ------------------------------------------------------


def items_in(region: Region) -> QuerySet[Item]:
    prefix = region.subtree_prefix
    return Item.objects.filter(
        Q(region__code__startswith=prefix) | Q(department__region__code__startswith=prefix)
    ).select_related("region", "department__region")


@dataclass
class Moved:
    """What moved in a period: the updates posted and the milestones reached."""

    updates: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    completed: list = field(default_factory=list)


def moved_in(region: Region, start: dt.datetime, end: dt.datetime) -> Moved:
    items = items_in(region).exclude(status=Status.CANCELLED)
    return Moved(
        updates=list(
            Update.objects.filter(item__in=items, at__gte=start, at__lt=end)
            .select_related("item__region", "item__department__region", "author", "milestone")
            .order_by("item__region_id", "at", "id")
        ),
        milestones=list(
            Milestone.objects.filter(item__in=items, done_at__gte=start, done_at__lt=end)
            .select_related("item__region", "item__department__region")
            .order_by("item__region_id", "done_at", "id")
        ),
        completed=list(
            items.filter(completed_at__gte=start, completed_at__lt=end).order_by("region_id", "id")
        ),
    )


@dataclass(frozen=True)
class LateItem:
    item: Item
    missed: list  # (what, deadline) pairs


def late_at(region: Region, day: dt.date) -> list[LateItem]:
    """Items still open with a deadline missed before `day`: the item's own
    completion date or an open milestone's."""
    items = (
        items_in(region)
        .filter(overdue_q(day))
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(done_at__isnull=True, deadline__lt=day),
                to_attr="missed_milestones",
            )
        )
        .order_by("region_id", "due_date", "id")
    )
    rows = []
    for item in items:
        missed = [(m.title, m.deadline) for m in item.missed_milestones]
        if item.due_date < day:
            missed.append(("完成时限", item.due_date))
        rows.append(LateItem(item, missed))
    return rows


@dataclass
class ProgressRow:
    name: str
    items: int = 0
    done: int = 0
    late: int = 0
    milestones_done: int = 0
    milestones_total: int = 0

    @property
    def progress(self) -> int | None:
        return rules.progress(self.milestones_done, self.milestones_total)


def progress_by(region: Region, year: int, day: dt.date) -> tuple[list, list]:
    """The year's items (cancelled ones left out) per owner county and per
    kind: items, done, late at `day`, milestones done of all."""
    items = (
        items_in(region)
        .filter(year=year)
        .exclude(status=Status.CANCELLED)
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones",
                filter=Q(milestones__done_at__date__lt=day),
                distinct=True,
            ),
        )
    )
    late = set(items.filter(overdue_q(day)).values_list("pk", flat=True))
    names = dict(
        Region.objects.filter(code__in={i.region_id[:6] for i in items}).values_list("code", "name")
    )
    counties, kinds = {}, {}
    for item in items:
        code = item.region_id[:6]
        for table, key, name in (
            (counties, code, "州本级" if code == PREFECTURE_CODE else names.get(code, code)),
            (kinds, item.kind, item.get_kind_display()),
        ):
            row = table.setdefault(key, ProgressRow(str(name)))
            row.items += 1
            row.done += item.status == Status.DONE
            row.late += item.pk in late
            row.milestones_done += item.milestones_done
            row.milestones_total += item.milestones_total
    return [counties[k] for k in sorted(counties)], list(kinds.values())
