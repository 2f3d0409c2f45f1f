"""Reads of engineers and their assessments, always within the reader's
scope (helpdesk_site/tickets/scope.py, "Resident engineers"), and the desk's
figures an assessment scores its data items from."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope as ticket_scope
from inspections import selectors as inspections
from reporting import selectors as report_selectors
from reporting import stats
from reporting.periods import Kind, Period
from residency import rules
from residency.models import (
    Assessment,
    AssessmentTemplate,
    DeadlineStatus,
    Engineer,
    Event,
    EventKind,
    RetakeDeadline,
    Source,
)


def contract_year_start() -> tuple[int, int]:
    """(month, day) the contract year begins on, from RESIDENCY_CONTRACT_YEAR_START."""
    month, day = settings.RESIDENCY_CONTRACT_YEAR_START.split("-")
    return int(month), int(day)


def contract_year_of(day: dt.date) -> int:
    return rules.contract_year(day, *contract_year_start())


def contract_year_label(year: int) -> str:
    return rules.contract_year_label(year, *contract_year_start())


def engineers_for(user) -> QuerySet[Engineer]:
    return (
        Engineer.objects.filter(ticket_scope.visible_engineers_q(user))
        .select_related("user", "post")
        .order_by("-active", "user__last_name", "user__first_name", "pk")
    )


def engineers_in(region: Region) -> QuerySet[Engineer]:
    return Engineer.objects.filter(ticket_scope.engineers_in_region_q(region)).select_related(
        "user", "post"
    )


def engineer_for(user, pk) -> Engineer:
    try:
        return engineers_for(user).get(pk=pk)
    except (Engineer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def assessments_for(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        ticket_scope.visible_engineers_q(user, "engineer__")
    ).select_related("engineer__user", "engineer__post", "assessor")


def assessment_for(user, pk) -> Assessment:
    try:
        return (
            assessments_for(user)
            .prefetch_related("scores")
            .select_related("deadline", "replaces__user")
            .get(pk=pk)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def current_template() -> AssessmentTemplate | None:
    return (
        AssessmentTemplate.objects.filter(active=True)
        .prefetch_related("items")
        .order_by("-created_at", "-id")
        .first()
    )


def verdicts(engineer: Engineer) -> list[bool]:
    """The engineer's verdicts, oldest first."""
    return list(
        engineer.assessments.order_by("assessed_on", "recorded_at", "id").values_list(
            "passed", flat=True
        )
    )


@dataclass(frozen=True)
class Standing:
    """Where an engineer stands: their latest assessment, the deadline it
    opened (if any), failures in a row, and whether they may work on site."""

    engineer: Engineer
    latest: Assessment | None
    deadline: RetakeDeadline | None
    failures_in_a_row: int
    today: dt.date

    @property
    def passing(self) -> bool:
        return self.latest is not None and self.latest.passed

    @property
    def on_duty_without_pass(self) -> bool:
        """The contract: an engineer at work must have passed."""
        return self.engineer.active and self.engineer.on_duty_since is not None and not self.passing

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return rules.days_left(self.deadline.due_on, self.today)

    @property
    def ends_contract(self) -> bool:
        return self.failures_in_a_row >= rules.CONSECUTIVE_FAILURES_LIMIT


def standings(engineers, now=None) -> list[Standing]:
    """Each engineer's standing, in a few queries for the whole list."""
    today = timezone.localdate(now)
    engineers = list(engineers)
    history: dict[int, list[Assessment]] = {e.pk: [] for e in engineers}
    for a in Assessment.objects.filter(engineer__in=engineers).order_by(
        "assessed_on", "recorded_at", "id"
    ):
        history[a.engineer_id].append(a)
    deadlines = {
        d.engineer_id: d
        for d in RetakeDeadline.objects.filter(
            engineer__in=engineers, status__in=[DeadlineStatus.OPEN, DeadlineStatus.MISSED]
        ).order_by("due_on", "id")
        if d.closed_by_id is None
    }
    return [
        Standing(
            engineer=e,
            latest=history[e.pk][-1] if history[e.pk] else None,
            deadline=deadlines.get(e.pk),
            failures_in_a_row=rules.trailing_failures([a.passed for a in history[e.pk]]),
            today=today,
        )
        for e in engineers
    ]


def history(engineer: Engineer) -> dict[int, dict]:
    """The engineer's assessments and history lines by contract year, newest year first."""
    years: dict[int, dict] = {}
    for a in engineer.assessments.select_related("assessor").prefetch_related("scores"):
        years.setdefault(a.contract_year, {"assessments": [], "events": []})["assessments"].append(
            a
        )
    for event in engineer.events.select_related("actor", "assessment", "deadline").order_by(
        "-at", "-id"
    ):
        years.setdefault(event.contract_year, {"assessments": [], "events": []})["events"].append(
            event
        )
    return {
        year: years[year] | {"label": contract_year_label(year)}
        for year in sorted(years, reverse=True)
    }


# --- The desk's figures for the data items ------------------------------------


@dataclass(frozen=True)
class Measured:
    score: object  # Decimal | None
    text: str


def data_period(period_from: dt.date, period_to: dt.date) -> Period:
    """The assessed days as a report period (the last day included)."""
    return Period(Kind.MONTH, period_from, period_to + dt.timedelta(days=1))


def measure(engineer: Engineer, period_from: dt.date, period_to: dt.date, now=None) -> dict:
    """The data items' scores for an engineer and period, from the same
    figures as the reports: the tickets assigned to the engineer, anywhere
    in the prefecture, their SLA clocks stopped in the period and their
    ratings given in it."""
    now = now or timezone.now()
    prefecture = Region.objects.get(level=Region.Level.PREFECTURE)
    period = data_period(period_from, period_to)
    filters = report_selectors.Filters(
        period=period, region=prefecture, operator_id=engineer.user_id
    )
    scope = report_selectors.scope_for(filters)
    with report_selectors.report_session():
        summary = report_selectors.clock_summary(scope, period, now, backlog=False)
        satisfaction = report_selectors.satisfaction(scope, period, now)
    response = report_selectors.times(summary, report_selectors.RESPONSE)
    resolution = report_selectors.times(summary, report_selectors.RESOLUTION)
    on_time = stats.rate(resolution["met"], resolution["n"])
    return {
        Source.SLA_ON_TIME: Measured(
            rules.score_rate(on_time),
            f"{resolution['met']}/{resolution['n']} 按时解决"
            if resolution["n"]
            else "期间无解决的工单",
        ),
        Source.RESPONSE_TIME: _time(response, "响应"),
        Source.RESOLUTION_TIME: _time(resolution, "解决"),
        Source.SATISFACTION: Measured(
            rules.score_rate(satisfaction["satisfied_rate"]),
            f"{satisfaction['total'] - satisfaction['bad']}/{satisfaction['total']} 非差评"
            if satisfaction["total"]
            else "期间无评价",
        ),
        Source.INSPECTIONS: _inspections(engineer, period_from, period_to, now),
    }


def _inspections(engineer: Engineer, period_from: dt.date, period_to: dt.date, now) -> Measured:
    """The runs given to the engineer that fell due in the period (and whose
    due day is over): the share recorded by the end of their due day."""
    found = inspections.on_time_share(engineer.user, period_from, period_to, now=now)
    if not found.due:
        return Measured(None, "期间无应巡检任务")
    return Measured(rules.score_rate(found.rate), f"{found.on_time}/{found.due} 按时巡检")


def _time(row: dict, what: str) -> Measured:
    if not row["n"]:
        return Measured(None, f"期间无{what}记录")
    return Measured(
        rules.score_time(row["p50"], row["target"]),
        f"{what}中位 {stats.hours(row['p50'])}，目标 {stats.hours(row['target'])}（{row['n']} 张）",
    )


# --- Reports --------------------------------------------------------------------


def assessments_in(region: Region, start: dt.date, end: dt.date) -> QuerySet[Assessment]:
    """Assessments dated in [start, end) of engineers posted in the region."""
    return (
        Assessment.objects.filter(
            ticket_scope.engineers_in_region_q(region, "engineer__"),
            assessed_on__gte=start,
            assessed_on__lt=end,
        )
        .select_related("engineer__user", "engineer__post", "assessor", "deadline")
        .prefetch_related(Prefetch("scores"))
        .order_by("assessed_on", "id")
    )


def deadlines_in(region: Region, start: dt.date, end: dt.date) -> QuerySet[RetakeDeadline]:
    """Deadlines opened in the period or still running at its start."""
    return (
        RetakeDeadline.objects.filter(ticket_scope.engineers_in_region_q(region, "engineer__"))
        .filter(failed__assessed_on__lt=end, due_on__gte=start)
        .select_related("engineer__user", "failed", "closed_by")
        .order_by("due_on", "id")
    )


def flags_in(region: Region, start: dt.date, end: dt.date) -> QuerySet[Event]:
    """Three-failure flags raised in the period."""
    return (
        Event.objects.filter(
            ticket_scope.engineers_in_region_q(region, "engineer__"),
            kind=EventKind.THREE_FAILURES,
            assessment__assessed_on__gte=start,
            assessment__assessed_on__lt=end,
        )
        .select_related("engineer__user", "assessment")
        .order_by("at", "id")
    )
