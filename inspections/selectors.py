"""Reads of inspection plans and runs, always within the reader's scope
(helpdesk_site/tickets/scope.py, "Inspections"), the items' trends, and the
figures the reports and the engineer's assessment take from them."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from helpdesk.models import Ticket

from helpdesk_site.regions.models import Region
from helpdesk_site.satisfaction import selectors as people
from helpdesk_site.tickets import scope as ticket_scope
from inspections import rules
from inspections.models import Answer, AnswerKind, CountyCount, Item, Plan, Run, RunStatus
from sla.selectors import Calendars


def calendar():
    """The SLA engine's default business calendar."""
    return Calendars().get(None)


def is_working(cal):
    return lambda day: bool(cal.periods_on(day))


def plans_for(user) -> QuerySet[Plan]:
    return ticket_scope.visible_plans(user).select_related(
        "subsystem", "department__region", "operator"
    )


def plan_for(user, pk) -> Plan:
    try:
        return plans_for(user).get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def runs_for(user) -> QuerySet[Run]:
    return ticket_scope.visible_runs(user).select_related(
        "plan__subsystem", "plan__department__region", "operator", "done_by"
    )


def run_for(user, pk) -> Run:
    try:
        return runs_for(user).get(pk=pk)
    except (Run.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def item_for(user, pk) -> Item:
    try:
        return Item.objects.select_related("plan__subsystem").get(
            pk=pk, plan__in=ticket_scope.visible_plans(user).values("pk")
        )
    except (Item.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def items_of(plan: Plan) -> list[Item]:
    return list(plan.items.filter(active=True))


def answers_of(run: Run, reader) -> list[Answer]:
    """The run's answers; `ticket_visible` says whether the reader may see
    the ticket an answer filed or joined, whose title is shown only then."""
    answers = list(run.answers.select_related("item", "ticket").prefetch_related("counts__county"))
    ticket_ids = {a.ticket_id for a in answers if a.ticket_id}
    visible = set(
        ticket_scope.visible_tickets(reader).filter(pk__in=ticket_ids).values_list("pk", flat=True)
    )
    for answer in answers:
        answer.ticket_visible = answer.ticket_id in visible
    return answers


def counties() -> QuerySet[Region]:
    """The prefecture's counties (the 18), in code order."""
    return Region.objects.filter(level=Region.Level.COUNTY, code__startswith="5133").order_by(
        "code"
    )


def open_ticket_for(item: Item) -> Ticket | None:
    """The ticket an earlier abnormal answer of this item filed (or was added
    to) that is still open and not withdrawn."""
    answer = (
        Answer.objects.filter(item=item, ticket__status__in=Ticket.OPEN_STATUSES)
        .exclude(ticket_id__in=ticket_scope.withdrawn_ticket_ids())
        .select_related("ticket")
        .order_by("-run__due_on", "-id")
        .first()
    )
    return answer.ticket if answer else None


def supervisors_of(plan: Plan) -> list:
    """Who hears of missed and late runs: the supervisors of the plan's
    county (when its department is in one) and of the prefecture."""
    code = plan.department.region_id
    found = list(people.prefecture_supervisors())
    if len(code) >= 6 and code[:6] != code[:4] + "00":
        found += list(people.county_supervisors(code[:6]))
    return found


def status_counts(runs: QuerySet[Run]) -> dict:
    counts = dict(runs.values_list("status").annotate(n=Count("pk")).order_by())
    late = runs.filter(status=RunStatus.DONE, late=True).count()
    return {
        "pending": counts.get(RunStatus.PENDING, 0),
        "done": counts.get(RunStatus.DONE, 0),
        "missed": counts.get(RunStatus.MISSED, 0),
        "late": late,
    }


# --- Trends ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    run: Run
    answer: Answer


def item_history(item: Item, limit: int = 60) -> list[TrendPoint]:
    """The item's answers, oldest first (the last `limit`)."""
    answers = list(
        Answer.objects.filter(item=item)
        .select_related("run", "ticket")
        .prefetch_related("counts__county")
        .order_by("-run__due_on", "-id")[:limit]
    )
    return [TrendPoint(a.run, a) for a in reversed(answers)]


def county_weeks(item: Item, weeks: int = 12, today=None) -> tuple[list[dt.date], list[dict]]:
    """Per county and week (Monday), the number of the week's last check:
    the weeks, newest first (what a phone shows without scrolling), and one
    row per county with its numbers."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    mondays = [first + dt.timedelta(days=7 * i) for i in reversed(range(weeks))]
    latest: dict = {}
    for code, due, count in (
        CountyCount.objects.filter(answer__item=item, answer__run__due_on__gte=first)
        .order_by("answer__run__due_on", "answer_id")
        .values_list("county_id", "answer__run__due_on", "count")
    ):
        latest[(code, due - dt.timedelta(days=due.weekday()))] = count
    rows = [
        {"county": county, "counts": [latest.get((county.code, monday)) for monday in mondays]}
        for county in counties()
    ]
    return mondays, rows


# --- Reports --------------------------------------------------------------------


def runs_in(region: Region, start: dt.date, end: dt.date) -> QuerySet[Run]:
    """Runs due in [start, end) of plans in the region's subtree."""
    return (
        Run.objects.filter(
            plan__department__region__code__startswith=region.subtree_prefix,
            due_on__gte=start,
            due_on__lt=end,
        )
        .select_related("plan__subsystem", "operator")
        .order_by("due_on", "plan__name", "id")
    )


def findings_in(region: Region, start: dt.date, end: dt.date) -> QuerySet[Answer]:
    """Abnormal answers of the region's runs due in the period."""
    return (
        Answer.objects.filter(
            abnormal=True,
            run__in=runs_in(region, start, end).values("pk"),
        )
        .select_related("run__plan__subsystem", "item", "ticket")
        .prefetch_related("counts__county")
        .order_by("run__due_on", "item__order", "id")
    )


@dataclass(frozen=True)
class CountyOverdue:
    county: Region
    checks: int
    latest: int | None
    highest: int | None
    average: float | None


def county_overdue(region: Region, start: dt.date, end: dt.date) -> list[CountyOverdue]:
    """The counties of the region and the per-county numbers recorded for
    them in runs due in the period (the 超期件 spot checks), whatever plan
    recorded them: a county's report has its own row."""
    series: dict[str, list[int]] = defaultdict(list)
    for code, count in (
        CountyCount.objects.filter(
            county__code__startswith=region.subtree_prefix,
            answer__run__due_on__gte=start,
            answer__run__due_on__lt=end,
            answer__item__kind=AnswerKind.COUNTY_NUMBERS,
        )
        .order_by("answer__run__due_on", "answer__run__done_at", "answer_id")
        .values_list("county_id", "count")
    ):
        series[code].append(count)
    shown = counties().filter(code__startswith=region.subtree_prefix[:6])
    if region.level != Region.Level.PREFECTURE:
        shown = shown.filter(code=region.code[:6])
    return [
        CountyOverdue(
            county,
            len(series[county.code]),
            series[county.code][-1] if series[county.code] else None,
            max(series[county.code]) if series[county.code] else None,
            sum(series[county.code]) / len(series[county.code]) if series[county.code] else None,
        )
        for county in shown
    ]


@dataclass(frozen=True)
class LatestOverdue:
    """A county's 超期件 at its latest spot check."""

    count: int
    checked_on: dt.date


def latest_overdue(codes, before: dt.date) -> dict[str, LatestOverdue]:
    """The 超期件 each of these counties had at its latest spot check due
    before `before` (the same checks county_overdue counts), by county
    code; a county never checked is left out. For the reports' weak spots."""
    found: dict[str, LatestOverdue] = {}
    rows = (
        CountyCount.objects.filter(
            county_id__in=list(codes),
            answer__run__due_on__lt=before,
            answer__item__kind=AnswerKind.COUNTY_NUMBERS,
        )
        .order_by("answer__run__due_on", "answer__run__done_at", "answer_id")
        .values_list("county_id", "count", "answer__run__due_on")
    )
    for code, count, day in rows:
        found[code] = LatestOverdue(count, day)
    return found


# --- The resident engineer's assessment -------------------------------------------


@dataclass(frozen=True)
class OnTime:
    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return rules.on_time_rate(self.on_time, self.due)


def on_time_share(user, period_from: dt.date, period_to: dt.date, now=None) -> OnTime:
    """The engineer's runs due from `period_from` to `period_to` (both
    included) whose due day is over or that are done, and how many of them
    were done on time."""
    today = timezone.localtime(now).date() if now else timezone.localdate()
    runs = Run.objects.filter(operator=user, due_on__gte=period_from, due_on__lte=period_to)
    counted = runs.filter(Q(due_on__lt=today) | Q(status=RunStatus.DONE))
    return OnTime(
        due=counted.count(),
        on_time=counted.filter(status=RunStatus.DONE, late=False).count(),
    )
