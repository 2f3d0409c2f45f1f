"""Reads for the SLA engine: calendars, policies, clocks as people see them."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.people.models import Role, User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import Subsystem
from sla import business_time as bt
from sla.models import (
    Action,
    BusinessCalendar,
    EscalationStep,
    HandlingLogEntry,
    HolidayNotice,
    SlaClock,
    SlaPolicy,
    TeamLead,
)

# The steps that reach the team lead (the assignee's falls back to them when nobody is assigned).
LEAD_ACTIONS = (Action.NOTIFY_ASSIGNEE, Action.NOTIFY_TEAM_LEAD, Action.REASSIGN)
# Remaining working time below this share of the target puts a clock at risk.
AT_RISK_SHARE = 0.25


def reads_sla(user) -> bool:
    """Operators and admins (who work tickets) and supervisors (who oversee
    them) read the at-risk list and the fault-handling log."""
    return scope.works_tickets(user) or user.role == Role.SUPERVISOR


def default_calendar() -> BusinessCalendar | None:
    return BusinessCalendar.objects.filter(is_default=True).first()


class Calendars:
    """Builds each business calendar once per unit of work (a request, a sweep)."""

    def __init__(self):
        self._built: dict = {}
        self._notices = None

    def notices(self) -> dict[int, bt.YearNotice]:
        if self._notices is None:
            self._notices = {n.year: n.to_notice() for n in HolidayNotice.objects.all()}
        return self._notices

    def get(self, calendar_id: int | None, around_the_clock: bool = False) -> bt.Calendar:
        if around_the_clock:
            return bt.ALWAYS
        if calendar_id not in self._built:
            self._built[calendar_id] = self._build(calendar_id)
        return self._built[calendar_id]

    def for_clock(self, clock: SlaClock) -> bt.Calendar:
        return self.get(clock.calendar_id, clock.around_the_clock)

    def by_name(self, name: str | None) -> bt.Calendar:
        record = BusinessCalendar.objects.filter(name=name).first() if name else default_calendar()
        if name and record is None:
            raise BusinessCalendar.DoesNotExist(name)
        return self.get(record.pk if record else None)

    def _build(self, calendar_id: int | None) -> bt.Calendar:
        record = (
            BusinessCalendar.objects.filter(pk=calendar_id).first()
            if calendar_id
            else default_calendar()
        )
        if record is None:
            return bt.Calendar(notices=self.notices())
        seasons = tuple(
            bt.Season(
                (s.first_month, s.first_day),
                (s.last_month, s.last_day),
                bt.parse_periods(s.working_hours),
            )
            for s in record.seasons.all()
        )
        return bt.Calendar(
            periods=bt.parse_periods(record.working_hours),
            seasons=seasons,
            tz=ZoneInfo(record.time_zone),
            local_days={d.date: d.is_working for d in record.days.all()},
            notices=self.notices(),
        )


def policy_for(*, category: str, priority: int, subsystem_id, region_code: str):
    """The most specific active policy: subsystem and region both count, a
    deeper region more than a shallower one."""
    candidates = SlaPolicy.objects.filter(
        category=category, priority=priority, is_active=True
    ).select_related("region")
    best, best_rank = None, None
    for policy in candidates:
        if policy.subsystem_id and policy.subsystem_id != subsystem_id:
            continue
        if policy.region_id and not region_code.startswith(policy.region.subtree_prefix):
            continue
        rank = (policy.subsystem_id is not None, len(policy.region_id or ""), -policy.pk)
        if best_rank is None or rank > best_rank:
            best, best_rank = policy, rank
    return best


def provisional_years(calendar: bt.Calendar, today: dt.date | None = None) -> list[int]:
    """This year and next, if either is projected rather than published:
    a due instant there may move when the notice comes out."""
    today = today or timezone.localdate()
    return [y for y in (today.year, today.year + 1) if calendar.is_provisional(y)]


@dataclass(frozen=True)
class ClockView:
    clock: SlaClock
    remaining_minutes: float  # negative when overdue
    risk: str  # "ok", "at_risk", "breached", "paused", "met", "missed"

    @property
    def overdue_minutes(self) -> float:
        return -self.remaining_minutes

    @property
    def colour(self) -> str:
        return {
            "ok": "success",
            "at_risk": "warning",
            "breached": "danger",
            "paused": "secondary",
            "met": "light",
            "missed": "dark",
        }[self.risk]


def clock_view(clock: SlaClock, calendars: Calendars, now: dt.datetime) -> ClockView:
    target = clock.target_minutes
    if clock.stopped_at is not None:
        used = clock.consumed_seconds / 60
        return ClockView(clock, target - used, "missed" if used > target else "met")
    if clock.running_since is None:
        remaining = target - clock.consumed_seconds / 60
        return ClockView(clock, remaining, "paused")
    calendar = calendars.for_clock(clock)
    remaining = bt.working_minutes_between(now, clock.due_at, calendar)
    if remaining <= 0:
        risk = "breached"
    elif remaining < target * AT_RISK_SHARE:
        risk = "at_risk"
    else:
        risk = "ok"
    return ClockView(clock, remaining, risk)


def clocks_for_tickets(tickets, now=None, calendars=None) -> dict[int, list[ClockView]]:
    """Clock views for a page of tickets, in one query."""
    now = now or timezone.now()
    calendars = calendars or Calendars()
    views: dict[int, list[ClockView]] = {}
    ids = [t.pk for t in tickets]
    for clock in SlaClock.objects.filter(ticket_id__in=ids).order_by("ticket_id", "kind"):
        views.setdefault(clock.ticket_id, []).append(clock_view(clock, calendars, now))
    return views


def soonest_clock_views(tickets, now=None, calendars=None) -> dict[int, ClockView]:
    """Each ticket's running clock that is due first, as a work queue shows
    it, in one query. A breached clock's overdue time is left at zero: the
    queue shows when it fell due, and counting a long-overdue clock's
    working time would walk the calendar back to then for every row."""
    now = now or timezone.now()
    calendars = calendars or Calendars()
    soonest: dict[int, SlaClock] = {}
    running = SlaClock.objects.filter(
        ticket_id__in=[t.pk for t in tickets], stopped_at__isnull=True, running_since__isnull=False
    ).exclude(due_at=None)
    for clock in running.order_by("due_at"):
        soonest.setdefault(clock.ticket_id, clock)
    views = {}
    for ticket_id, clock in soonest.items():
        if clock.due_at <= now:
            views[ticket_id] = ClockView(clock, 0, "breached")
        else:
            views[ticket_id] = clock_view(clock, calendars, now)
    return views


def risky_clocks(user, *, breached: bool, now=None) -> QuerySet[SlaClock]:
    """Open, running clocks the user may see: at risk (warned, not yet due)
    or breached (due has passed). Range queries on indexed instants."""
    now = now or timezone.now()
    condition = Q(due_at__lte=now) if breached else Q(at_risk_at__lte=now, due_at__gt=now)
    return (
        SlaClock.objects.filter(condition, stopped_at__isnull=True, running_since__isnull=False)
        .filter(ticket__in=scope.visible_tickets(user).values("pk"))
        .select_related("ticket", "ticket__details__department", "ticket__assigned_to")
        .order_by("due_at")
    )


def handling_log(ticket) -> QuerySet[HandlingLogEntry]:
    return ticket.handling_log.select_related("actor")


def supervisors_by_county() -> dict[str, list]:
    """Active supervisors by the county they watch, and the prefecture's."""
    found = defaultdict(list)
    for user in User.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related(
        "supervised_region", "department__region"
    ):
        region = user.supervised_region or (user.department.region if user.department else None)
        if region is None:
            continue
        key = "prefecture" if region.level == Region.Level.PREFECTURE else region.code[:6]
        found[key].append(user)
    return found


def unreachable_steps() -> list[str]:
    """Warnings for the SLA admin: escalation steps that would reach nobody
    for some subsystem (no team lead) or county (no supervisor)."""
    steps = list(EscalationStep.objects.select_related("ladder").order_by("ladder__name"))
    if not steps:
        return []
    leads = set(TeamLead.objects.values_list("subsystem_id", flat=True))
    without_lead = (
        []
        if None in leads
        else [s.name for s in Subsystem.objects.exclude(pk__in=leads).order_by("position")]
    )
    supervisors = supervisors_by_county()
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
    without_supervisor = [c.name for c in counties if not supervisors.get(c.code[:6])]
    warnings = []
    for step in steps:
        names = {"step": str(step), "ladder": step.ladder.name}
        if step.action in LEAD_ACTIONS and without_lead:
            warnings.append(
                _(
                    "Step «%(step)s» of «%(ladder)s» reaches nobody for %(subsystems)s: "
                    "no operator team lead covers them."
                )
                % {**names, "subsystems": "、".join(without_lead)}
            )
        elif step.action == Action.NOTIFY_COUNTY_SUPERVISOR and without_supervisor:
            warnings.append(
                _(
                    "Step «%(step)s» of «%(ladder)s» reaches nobody in %(regions)s: "
                    "no active supervisor watches them."
                )
                % {**names, "regions": "、".join(without_supervisor)}
            )
        elif step.action == Action.NOTIFY_PREFECTURE_SUPERVISOR and not supervisors.get(
            "prefecture"
        ):
            warnings.append(
                _("Step «%(step)s» of «%(ladder)s» reaches nobody: no prefecture supervisor.")
                % names
            )
    return warnings


@dataclass(frozen=True)
class TeamLeadRow:
    subsystem: Subsystem | None
    lead: User | None


def team_lead_rows() -> list[TeamLeadRow]:
    """The team lead of every subsystem, the lead of all the others first."""
    leads = {t.subsystem_id: t.user for t in TeamLead.objects.select_related("user")}
    subsystems = Subsystem.objects.filter(is_active=True).order_by("position", "pk")
    return [TeamLeadRow(None, leads.get(None))] + [
        TeamLeadRow(s, leads.get(s.pk)) for s in subsystems
    ]
