"""Every change the SLA engine makes goes through a function here.

The ticket's own state (status, priority, category, on hold) is the truth;
`sync_ticket` brings its clocks in line with it, whoever changed the ticket
(our portal, django-helpdesk's staff pages, the sweep). Functions that know
more than the ticket shows (a pause reason, a root cause) record it first and
then change the ticket, so the sync that follows finds nothing left to do.
"""

import datetime as dt
import functools
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.notices import reporter as notices_for_reporter
from helpdesk_site.notices import services as notices
from helpdesk_site.notices.models import Kind as NoticeKind
from helpdesk_site.notices.models import Notice
from helpdesk_site.outbox import services as outbox
from helpdesk_site.people.models import Role, User
from helpdesk_site.tickets import scope
from helpdesk_site.tickets import services as ticket_services
from helpdesk_site.tickets.models import FINISHED_STATUSES, Category, Subsystem, TicketDetails
from sla import business_time as bt
from sla import defaults
from sla.models import (
    Action,
    BusinessCalendar,
    ClockKind,
    EscalationEvent,
    EscalationLadder,
    EscalationStep,
    HandlingLogEntry,
    Incident,
    LogKind,
    SlaClock,
    SlaPolicy,
    TeamLead,
)
from sla.selectors import AT_RISK_SHARE, Calendars, policy_for, supervisors_by_county

# The clocks stop when the ticket is finished.
STOPPED_STATUSES = FINISHED_STATUSES
ROOT_CAUSE_REQUIRED = (Category.FAULT, Category.EMERGENCY)
HOLD_REASON = gettext_lazy("Waiting on the reporter or a third party")


# --- Shipped defaults ---------------------------------------------------------


def ensure_defaults() -> None:
    """Create the default calendar, ladders and policies if there are none."""
    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar, _created = BusinessCalendar.objects.get_or_create(
            name=defaults.CALENDAR_NAME, defaults={"is_default": True}
        )
    ladders = {}
    for name, steps in defaults.LADDERS.items():
        ladder, created = EscalationLadder.objects.get_or_create(name=name)
        if created:
            EscalationStep.objects.bulk_create(
                EscalationStep(ladder=ladder, clock=clock, percent=percent, action=action)
                for clock, percent, action in steps
            )
        ladders[name] = ladder
    # A category with no policy yet gets the shipped ones (a new category
    # arrives on an existing installation this way); one an administrator
    # has set up is left alone. Names are data, written in Chinese.
    covered = set(SlaPolicy.objects.values_list("category", flat=True))
    policies = []
    for category, (responses, resolutions) in defaults.TARGETS.items():
        if category in covered:
            continue
        emergency = category in defaults.AROUND_THE_CLOCK
        with translation.override(settings.LANGUAGE_CODE):
            label = str(Category(category).label)
        for priority, response, resolution in zip(range(1, 6), responses, resolutions, strict=True):
            policies.append(
                SlaPolicy(
                    name=f"{label} P{priority}",
                    category=category,
                    priority=priority,
                    response_minutes=response,
                    resolution_minutes=resolution,
                    around_the_clock=emergency,
                    ladder=ladders[
                        defaults.EMERGENCY_LADDER if emergency else defaults.STANDARD_LADDER
                    ],
                )
            )
    SlaPolicy.objects.bulk_create(policies)


def ensure_defaults_after_migrate(**kwargs):
    ensure_defaults()


# --- The log ------------------------------------------------------------------


def log(ticket_id, kind, *, actor=None, clock="", text="", at=None, **data):
    return HandlingLogEntry.objects.create(
        ticket_id=ticket_id,
        kind=kind,
        actor=actor,
        clock=clock,
        text=text,
        at=at or timezone.now(),
        data=data,
    )


# --- Clock arithmetic ---------------------------------------------------------


def _used(clock: SlaClock, at: dt.datetime, calendar: bt.Calendar) -> dt.timedelta:
    used = dt.timedelta(seconds=clock.consumed_seconds)
    if clock.running_since is not None and clock.stopped_at is None:
        used += max(bt.working_time_between(clock.running_since, at, calendar), dt.timedelta(0))
    return used


def _ladder_steps(clock: SlaClock, steps_by_ladder: dict | None = None) -> list[EscalationStep]:
    ladder_id = clock.policy.ladder_id if clock.policy_id else None
    if ladder_id is None:
        return []
    if steps_by_ladder is not None and ladder_id in steps_by_ladder:
        return [s for s in steps_by_ladder[ladder_id] if s.clock == clock.kind]
    return list(EscalationStep.objects.filter(ladder_id=ladder_id, clock=clock.kind))


def _fired_step_ids(clock: SlaClock) -> set[int]:
    return set(
        EscalationEvent.objects.filter(clock=clock, cycle=clock.cycle).values_list(
            "step_id", flat=True
        )
    )


def _instant(clock: SlaClock, calendar, share: float) -> dt.datetime:
    """When a running clock has used (or used) `share` of its target."""
    start, used = clock.running_since, dt.timedelta(seconds=clock.consumed_seconds)
    left = dt.timedelta(minutes=clock.target_minutes) * share - used
    if left >= dt.timedelta(0):
        return bt.add_working_time(start, left, calendar)
    return bt.subtract_working_time(start, -left, calendar)  # already past


def _schedule(clock, calendar, steps, fired) -> None:
    """Derive the stored instants of a running clock from its used time."""
    if clock.running_since is None or clock.stopped_at is not None:
        clock.at_risk_at = clock.next_escalation_at = None
        if clock.stopped_at is None:
            clock.due_at = None  # paused: nothing is due
        return

    def when(share: float) -> dt.datetime:
        return _instant(clock, calendar, share)

    clock.due_at = when(1)
    clock.at_risk_at = when(1 - AT_RISK_SHARE)
    pending = [when(s.percent / 100) for s in steps if s.pk not in fired]
    if clock.breached_at is None:
        pending.append(clock.due_at)
    clock.next_escalation_at = min(pending, default=None)


def _apply_policy(
    clock: SlaClock, details: TicketDetails, priority: int, find_policy=policy_for
) -> None:
    policy = find_policy(
        category=details.category,
        priority=priority,
        subsystem_id=details.subsystem_id,
        region_code=details.region_id,
    )
    clock.policy = policy
    clock.category, clock.priority = details.category, priority
    if policy is None:
        # No policy for this kind of ticket: a clock that never comes due.
        clock.target_minutes, clock.around_the_clock, clock.calendar_id = 0, False, None
        return
    clock.target_minutes = policy.target_minutes(clock.kind)
    clock.around_the_clock = policy.around_the_clock
    clock.calendar_id = policy.calendar_id


def _reschedule(clock, calendars) -> None:
    if clock.policy_id is None:
        clock.at_risk_at = clock.due_at = clock.next_escalation_at = None
        return
    _schedule(clock, calendars.for_clock(clock), _ladder_steps(clock), _fired_step_ids(clock))


# --- Filing and the ticket's life ---------------------------------------------


@transaction.atomic
def start_clocks(ticket: Ticket, user=None) -> list[SlaClock]:
    """Give a newly filed ticket its clocks, log the filing, open an incident
    record for an emergency. Does nothing if the ticket has clocks already."""
    details = TicketDetails.objects.filter(ticket=ticket).first()
    if details is None or ticket.sla_clocks.exists():
        return []
    at = ticket.created
    clocks = _running_clocks(ticket, details, Calendars())
    SlaClock.objects.bulk_create(clocks)
    targets = {c.kind: c.target_minutes for c in clocks}
    log(ticket.pk, LogKind.FILED, actor=user, at=at, targets=targets)
    if details.category == Category.EMERGENCY:
        incident = Incident.objects.create(ticket=ticket, started_at=at)
        incident.impact_regions.add(details.region_id)
        incident.impact_departments.add(details.department_id)
        incident.impact_subsystems.add(details.subsystem_id)
    if ticket.on_hold:
        sync_ticket(ticket, actor=user)
    return clocks


def _running_clocks(
    ticket, details, calendars, steps_by_ladder=None, find_policy=policy_for
) -> list[SlaClock]:
    """A ticket's clocks as they start when it is filed (not stored yet)."""
    at = ticket.created
    clocks = []
    for kind in ClockKind.values:
        clock = SlaClock(ticket=ticket, kind=kind, started_at=at, running_since=at)
        _apply_policy(clock, details, ticket.priority, find_policy)
        if clock.policy_id is not None:
            steps = _ladder_steps(clock, steps_by_ladder)
            _schedule(clock, calendars.for_clock(clock), steps, set())
        clocks.append(clock)
    return clocks


@transaction.atomic
def start_open_clocks(opened: list[tuple[Ticket, TicketDetails]]) -> int:
    """Running clocks, timed from creation, for open tickets stored in bulk
    (a large demo), in one insert; `sla_start_clocks` does the same one
    ticket at a time. Returns how many clocks were stored."""
    calendars = Calendars()
    find_policy = functools.cache(policy_for)
    steps_by_ladder = defaultdict(list)
    for step in EscalationStep.objects.all():
        steps_by_ladder[step.ladder_id].append(step)
    clocks = [
        clock
        for ticket, details in opened
        for clock in _running_clocks(ticket, details, calendars, steps_by_ladder, find_policy)
    ]
    SlaClock.objects.bulk_create(clocks)
    return len(clocks)


@transaction.atomic
def start_clocks_resolved(resolved: list[tuple[Ticket, TicketDetails, dt.datetime]]) -> None:
    """Clocks and log of tickets filed and resolved in the past (history
    brought in from another desk), in bulk: started at creation as when
    filed, the resolution taken as the first response, both stopped at it.
    A stopped clock is never swept, so nothing escalates and nobody is told.
    `resolved` holds (ticket, its details, when it was resolved)."""
    calendars = Calendars()
    find_policy = functools.cache(policy_for)
    steps_by_ladder = defaultdict(list)
    for step in EscalationStep.objects.all():
        steps_by_ladder[step.ladder_id].append(step)
    clocks, entries = [], []
    for ticket, details, resolved_at in resolved:
        started = _running_clocks(ticket, details, calendars, steps_by_ladder, find_policy)
        for clock in started:
            _stop(clock, resolved_at, calendars)
        clocks += started
        targets = {c.kind: c.target_minutes for c in started}
        entries += [
            HandlingLogEntry(
                ticket=ticket,
                kind=LogKind.FILED,
                actor_id=details.reporter_id,
                at=ticket.created,
                data={"targets": targets},
            ),
            HandlingLogEntry(
                ticket=ticket, kind=LogKind.FIRST_RESPONSE, clock=ClockKind.RESPONSE, at=resolved_at
            ),
            HandlingLogEntry(
                ticket=ticket,
                kind=LogKind.RESOLVED,
                clock=ClockKind.RESOLUTION,
                at=resolved_at,
                # No root cause can have been recorded for a ticket not yet here.
                data={"root_cause_missing": details.category in ROOT_CAUSE_REQUIRED},
            ),
        ]
        if details.category == Category.EMERGENCY:
            incident = Incident.objects.create(
                ticket=ticket, started_at=ticket.created, ended_at=resolved_at
            )
            incident.impact_regions.add(details.region_id)
            incident.impact_departments.add(details.department_id)
            incident.impact_subsystems.add(details.subsystem_id)
    SlaClock.objects.bulk_create(clocks)
    HandlingLogEntry.objects.bulk_create(entries)


def _pause(clock, at, calendars, reason) -> None:
    clock.consumed_seconds = _used(clock, at, calendars.for_clock(clock)).total_seconds()
    clock.running_since = None
    clock.paused_reason = reason
    _schedule(clock, None, [], set())


def _stop(clock, at, calendars) -> None:
    used = _used(clock, at, calendars.for_clock(clock))
    clock.consumed_seconds = used.total_seconds()
    clock.stopped_at = at
    clock.running_since = None
    if clock.policy_id and used > dt.timedelta(minutes=clock.target_minutes):
        clock.breached_at = clock.breached_at or clock.due_at or at
    _schedule(clock, None, [], set())


@transaction.atomic
def sync_ticket(ticket: Ticket, *, actor=None, at=None, reason="") -> None:
    """Bring a ticket's clocks in line with its status, priority, category
    and hold, logging each change once; `reason` is the pause's or the
    resumption's (a pause without one waits on HOLD_REASON)."""
    clocks = {c.kind: c for c in SlaClock.objects.select_for_update().filter(ticket=ticket)}
    if not clocks:
        return
    ticket = Ticket.objects.get(pk=ticket.pk)  # as saved, not a caller's stale copy
    details = TicketDetails.objects.get(ticket=ticket)
    at = at or timezone.now()
    calendars = Calendars()
    changed = set()
    resolution = clocks.get(ClockKind.RESOLUTION)

    if ticket.status in STOPPED_STATUSES:
        for clock in clocks.values():
            if clock.stopped_at is None:
                _stop(clock, at, calendars)
                changed.add(clock)
                if clock.kind == ClockKind.RESPONSE and ticket.status == Ticket.RESOLVED_STATUS:
                    # Resolved before any reply: the resolution is the first response.
                    log(ticket.pk, LogKind.FIRST_RESPONSE, actor=actor, at=at, clock=clock.kind)
                if clock.kind == ClockKind.RESOLUTION:
                    log(
                        ticket.pk,
                        LogKind.RESOLVED,
                        actor=actor,
                        at=at,
                        clock=clock.kind,
                        root_cause_missing=root_cause_missing(ticket, details, clock),
                    )
        Incident.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)
    elif resolution is not None and resolution.stopped_at is not None:
        # Reopened: a new cycle, the ladder may climb again.
        resolution.cycle += 1
        resolution.started_at = resolution.running_since = at
        resolution.consumed_seconds = 0
        resolution.stopped_at = resolution.breached_at = None
        resolution.level_percent = 0
        changed.add(resolution)
        log(ticket.pk, LogKind.REOPENED, actor=actor, at=at, cycle=resolution.cycle)
        Incident.objects.filter(ticket=ticket).update(ended_at=None)

    open_clocks = [c for c in clocks.values() if c.stopped_at is None]
    for clock in open_clocks:
        if (clock.priority, clock.category) == (ticket.priority, details.category):
            continue
        old = (clock.priority, clock.category, clock.target_minutes)
        if clock.running_since is not None:
            # Time used so far counts on the old calendar; the rest on the new one.
            clock.consumed_seconds = _used(clock, at, calendars.for_clock(clock)).total_seconds()
            clock.running_since = at
        _apply_policy(clock, details, ticket.priority)
        if clock.consumed_seconds < clock.target_minutes * 60:
            clock.breached_at = None
        changed.add(clock)
        if clock.kind == ClockKind.RESOLUTION or len(open_clocks) == 1:
            kind = (
                LogKind.PRIORITY_CHANGED if old[0] != ticket.priority else LogKind.CATEGORY_CHANGED
            )
            log(
                ticket.pk,
                kind,
                actor=actor,
                at=at,
                old_priority=old[0],
                new_priority=ticket.priority,
                old_category=old[1],
                new_category=details.category,
            )

    running = [c for c in open_clocks if c.running_since is not None]
    paused = [c for c in open_clocks if c.running_since is None]
    if ticket.on_hold and running:
        for clock in running:
            _pause(clock, at, calendars, str(reason or HOLD_REASON))
            changed.add(clock)
        log(ticket.pk, LogKind.PAUSED, actor=actor, at=at, text=str(reason or HOLD_REASON))
    elif not ticket.on_hold and paused:
        for clock in paused:
            clock.running_since = at
            clock.paused_reason = ""
            changed.add(clock)
        log(ticket.pk, LogKind.RESUMED, actor=actor, at=at, text=str(reason))

    for clock in changed:
        _reschedule(clock, calendars)
        clock.save()


def root_cause_missing(ticket, details, resolution: SlaClock) -> bool:
    """A fault or emergency resolved in this cycle with no root cause on record."""
    return (
        details.category in ROOT_CAUSE_REQUIRED
        and not HandlingLogEntry.objects.filter(
            ticket=ticket, kind=LogKind.ROOT_CAUSE, at__gte=resolution.started_at
        ).exists()
    )


@transaction.atomic
def record_past_escalations(ticket: Ticket, until: dt.datetime) -> int:
    """The escalation steps and breaches the ticket's running clocks came to
    before `until`, recorded as history at the instant each came due: the
    event, its log line, the level reached. Nobody is notified and nothing is
    raised or reassigned now, since that moment has passed; for clocks started
    after the fact (demo data, tickets from before the desk had clocks), so
    the first sweep does not send the past as news. Returns the steps recorded."""
    calendars = Calendars()
    clocks = SlaClock.objects.select_for_update(of=("self",)).filter(
        ticket=ticket,
        stopped_at__isnull=True,
        running_since__isnull=False,
        next_escalation_at__lte=until,
    )
    recorded = 0
    for clock in clocks.select_related("policy"):
        calendar = calendars.for_clock(clock)
        steps = _ladder_steps(clock)
        fired = _fired_step_ids(clock)
        due = [
            (step, _instant(clock, calendar, step.percent / 100))
            for step in sorted(steps, key=lambda s: s.percent)
            if step.pk not in fired
        ]
        events = EscalationEvent.objects.bulk_create(
            EscalationEvent(clock=clock, cycle=clock.cycle, step=step, fired_at=at)
            for step, at in due
            if at <= until
        )
        entries = [
            HandlingLogEntry(
                ticket_id=ticket.pk,
                kind=LogKind.ESCALATED,
                clock=clock.kind,
                at=event.fired_at,
                text=event.step.get_action_display(),
                data={
                    "percent": event.step.percent,
                    "action": event.step.action,
                    "notified": [],
                    "escalation": event.pk,
                },
            )
            for event in events
        ]
        for event in events:
            clock.level_percent = max(clock.level_percent, event.step.percent)
        if clock.breached_at is None and clock.due_at and clock.due_at <= until:
            clock.breached_at = clock.due_at
            entries.append(
                HandlingLogEntry(
                    ticket_id=ticket.pk,
                    kind=LogKind.BREACHED,
                    clock=clock.kind,
                    at=clock.due_at,
                    data={"target_minutes": clock.target_minutes},
                )
            )
        HandlingLogEntry.objects.bulk_create(entries)
        _schedule(clock, calendar, steps, fired | {e.step_id for e in events})
        clock.save()
        recorded += len(events)
    return recorded


@transaction.atomic
def start_clocks_after_the_fact(ticket: Ticket, now: dt.datetime) -> bool:
    """Clocks for a ticket stored without them (demo data seeded in bulk),
    timed from its filing as if they had run all along: the first-response
    clock stopped at the first operator reply, both stopped when it was
    resolved or closed, and what the ladder reached meanwhile recorded as
    history (record_past_escalations), not sent now. False when it had clocks."""
    if not start_clocks(ticket):
        return False
    reply = (
        ticket.followup_set.filter(public=True, user__role__in=(Role.OPERATOR, Role.ADMIN))
        .select_related("user")
        .order_by("date")
        .first()
    )
    stopped_at = _resolved_at(ticket) if ticket.status in STOPPED_STATUSES else None
    if reply is not None:
        record_past_escalations(ticket, min(reply.date, now))
        record_first_response(ticket, reply.user, at=reply.date)
    record_past_escalations(ticket, min(stopped_at or now, now))
    if stopped_at is not None:
        sync_ticket(ticket, at=stopped_at)
    return True


def _resolved_at(ticket: Ticket) -> dt.datetime:
    """When the ticket was resolved: the first resolving or closing follow-up
    since it was last reopened (closing it after a resolution does not move
    the time), else its last change."""
    followups = ticket.followup_set.order_by("date", "id")
    reopened = (
        followups.filter(new_status__in=Ticket.OPEN_STATUSES).values_list("date", flat=True).last()
    )
    stops = followups.filter(new_status__in=STOPPED_STATUSES)
    if reopened is not None:
        stops = stops.filter(date__gte=reopened)
    return stops.values_list("date", flat=True).first() or ticket.modified


@transaction.atomic
def record_first_response(ticket: Ticket, user, at=None) -> bool:
    """Stop the first-response clock on the first operator reply."""
    clock = (
        SlaClock.objects.select_for_update()
        .filter(ticket=ticket, kind=ClockKind.RESPONSE, stopped_at__isnull=True)
        .first()
    )
    if clock is None:
        return False
    at = at or timezone.now()
    _stop(clock, at, Calendars())
    clock.save()
    log(ticket.pk, LogKind.FIRST_RESPONSE, actor=user, at=at, clock=clock.kind)
    return True


@transaction.atomic
def set_on_hold(ticket: Ticket, user, *, on_hold: bool, reason: str) -> None:
    """Pause (waiting on the reporter or a third party) or resume the clocks,
    with the reason on the fault-handling log either way."""
    if not reason.strip():
        if on_hold:
            raise ValidationError(_("Say what the ticket is waiting for."))
        raise ValidationError(_("Say why the clocks run again."))
    # An update, not a save: the post_save sync would not know the reason.
    Ticket.objects.filter(pk=ticket.pk).update(on_hold=on_hold)
    ticket.on_hold = on_hold
    sync_ticket(ticket, actor=user, reason=reason.strip())
    if on_hold:
        notices_for_reporter.waiting_on_reporter(ticket, user, reason.strip())


def needs_root_cause(ticket: Ticket) -> bool:
    """Whether resolving the ticket now would leave a fault or emergency
    without a root cause in this cycle's log."""
    details = TicketDetails.objects.filter(ticket=ticket).first()
    resolution = SlaClock.objects.filter(ticket=ticket, kind=ClockKind.RESOLUTION).first()
    if details is None or resolution is None:
        return False
    return root_cause_missing(ticket, details, resolution)


@transaction.atomic
def record_root_cause(ticket: Ticket, user, *, root_cause: str, fix: str) -> None:
    """Put the root cause and fix on the log (both required for faults and
    emergencies), ahead of the resolution that follows."""
    details = TicketDetails.objects.get(ticket=ticket)
    root_cause, fix = root_cause.strip(), fix.strip()
    if details.category in ROOT_CAUSE_REQUIRED and not (root_cause and fix):
        raise ValidationError(_("Faults and emergencies need a root cause and a fix."))
    log(ticket.pk, LogKind.ROOT_CAUSE, actor=user, root_cause=root_cause, fix=fix)


@transaction.atomic
def record_resolution(ticket: Ticket, user, *, root_cause: str, fix: str) -> None:
    """Resolve a ticket with its root cause and fix (required for faults and
    emergencies), or add them to a ticket resolved without them."""
    record_root_cause(ticket, user, root_cause=root_cause, fix=fix)
    root_cause, fix = root_cause.strip(), fix.strip()
    if ticket.status not in STOPPED_STATUSES:
        sync_ticket(ticket, actor=user)
        update_ticket(
            user,
            ticket,
            comment=_("Root cause: %(cause)s\nFix: %(fix)s") % {"cause": root_cause, "fix": fix},
            public=True,
            new_status=Ticket.RESOLVED_STATUS,
        )


@transaction.atomic
def name_team_lead(actor, *, subsystem: Subsystem | None, user: User | None) -> TeamLead | None:
    """Name `user` the operator team lead (运维组长) of `subsystem` (None: of
    every subsystem without its own), or, with no user, name nobody there."""
    if not scope.may_name_team_leads(actor):
        raise PermissionDenied(
            _("Only administrators and the prefecture's supervisor name team leads.")
        )
    if user is None:
        TeamLead.objects.filter(subsystem=subsystem).delete()
        fallback = TeamLead.objects.filter(subsystem=None).select_related("user").first()
        if subsystem is not None and fallback is not None:
            # The lead of every other subsystem now leads this one too.
            ticket_services.grant_subsystems(fallback.user, [subsystem])
        return None
    if not scope.team_lead_candidates().filter(pk=user.pk).exists():
        raise ValidationError(_("A team lead is an active operator."))
    lead, _created = TeamLead.objects.update_or_create(subsystem=subsystem, defaults={"user": user})
    # A lead sees and is given the tickets of the queues they lead.
    ticket_services.grant_subsystems(user, _led_subsystems(subsystem))
    return lead


def _led_subsystems(subsystem: Subsystem | None) -> list[Subsystem]:
    """The subsystems a lead of `subsystem` leads: that one, or (None) every
    subsystem without its own lead."""
    if subsystem is not None:
        return [subsystem]
    own = TeamLead.objects.filter(subsystem__isnull=False).values("subsystem_id")
    return list(Subsystem.objects.exclude(pk__in=own).select_related("queue"))


def team_lead_for(ticket: Ticket) -> User | None:
    """The operator team lead of the ticket's subsystem, or the one who leads
    all the others."""
    details = TicketDetails.objects.filter(ticket=ticket).first()
    leads = TeamLead.objects.select_related("user").filter(user__is_active=True)
    if details is not None:
        lead = leads.filter(subsystem_id=details.subsystem_id).first()
        if lead is not None:
            return lead.user
    lead = leads.filter(subsystem__isnull=True).first()
    return lead.user if lead else None


@transaction.atomic
def escalate_to_team_lead(ticket: Ticket, user, *, reason: str) -> User:
    """The operator hands a ticket up (升级): the team lead is told, in the
    app and by e-mail, and the log says who asked and why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the ticket goes to the team lead."))
    lead = team_lead_for(ticket)
    if lead is None:
        raise ValidationError(
            _("No operator team lead is set for this subsystem: ask an administrator to name one.")
        )
    message = _("Ticket #%(id)s «%(title)s» was escalated to you by %(by)s: %(reason)s") % {
        "id": ticket.pk,
        "title": ticket.title,
        "by": user.display_name(),
        "reason": reason,
    }
    log(
        ticket.pk,
        LogKind.ESCALATED,
        actor=user,
        text=reason,
        action="manual",
        notified=[lead.display_name()],
    )
    notices.notify([lead], message=message, kind=NoticeKind.ESCALATION, ticket=ticket)
    return lead


def record_acknowledged(notices, user, at) -> None:
    """Escalation notices their recipient confirmed: the log records when."""
    HandlingLogEntry.objects.bulk_create(
        HandlingLogEntry(
            ticket_id=notice.ticket_id,
            kind=LogKind.ACKNOWLEDGED,
            actor=user,
            at=at,
            data={"escalation": notice.escalation_id},
        )
        for notice in notices
        if notice.escalation_id and notice.ticket_id
    )


# --- The sweep ----------------------------------------------------------------


def _insert_events(rows) -> list[tuple[int, int]]:
    """Insert escalation events; return the (clock, step) pairs that were new.
    ON CONFLICT DO NOTHING on the unique constraint is what makes concurrent
    sweeps fire each step once."""
    if not rows:
        return []
    table = connection.ops.quote_name(EscalationEvent._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (clock_id, cycle, step_id, fired_at) VALUES {values} "  # noqa: S608
        "ON CONFLICT (clock_id, cycle, step_id) DO NOTHING RETURNING clock_id, step_id, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        return cursor.fetchall()


def _recipients(action, ticket, details, leads, supervisors) -> list[User]:
    lead = leads.get(details.subsystem_id) or leads.get(None)
    if action == Action.NOTIFY_ASSIGNEE:
        return [ticket.assigned_to or lead] if (ticket.assigned_to or lead) else []
    if action in (Action.NOTIFY_TEAM_LEAD, Action.REASSIGN):
        return [lead] if lead else []
    if action == Action.NOTIFY_COUNTY_SUPERVISOR:
        return supervisors.get(details.region_id[:6], [])
    if action == Action.NOTIFY_PREFECTURE_SUPERVISOR:
        return supervisors.get("prefecture", [])
    return []


def sweep(now=None, batch_size=1000) -> int:
    """Fire every escalation step and breach that is due; return how many
    steps fired. Safe to run twice, in two workers at once, or again after a
    crash: each batch is one transaction, and each step is inserted once."""
    now = now or timezone.now()
    fired = 0
    while True:
        with transaction.atomic():
            clocks = list(
                SlaClock.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(next_escalation_at__lte=now)
                .select_related("policy", "ticket__assigned_to")
                .order_by("next_escalation_at")[:batch_size]
            )
            if not clocks:
                break
            fired += _sweep_batch(clocks, now)
        if len(clocks) < batch_size:
            break
    return fired


def _sweep_batch(clocks: list[SlaClock], now) -> int:
    calendars = Calendars()
    ladder_ids = {c.policy.ladder_id for c in clocks if c.policy_id}
    steps_by_ladder = defaultdict(list)
    for step in EscalationStep.objects.filter(ladder_id__in=ladder_ids):
        steps_by_ladder[step.ladder_id].append(step)
    fired_before = defaultdict(set)
    for clock_id, cycle, step_id in EscalationEvent.objects.filter(clock__in=clocks).values_list(
        "clock_id", "cycle", "step_id"
    ):
        fired_before[(clock_id, cycle)].add(step_id)
    details = TicketDetails.objects.in_bulk([c.ticket_id for c in clocks])

    rows, breaches, shares = [], [], {}
    for clock in clocks:
        used = _used(clock, now, calendars.for_clock(clock))
        target = dt.timedelta(minutes=clock.target_minutes)
        shares[clock.pk] = share_percent(used, target)
        done = fired_before[(clock.pk, clock.cycle)]
        for step in _ladder_steps(clock, steps_by_ladder):
            if step.pk not in done and used >= target * step.percent / 100:
                rows.append((clock.pk, clock.cycle, step.pk, now))
        if clock.breached_at is None and clock.due_at and clock.due_at <= now:
            clock.breached_at = clock.due_at
            breaches.append(clock)
    new_events = _insert_events(rows)

    by_clock = defaultdict(list)
    steps = {s.pk: s for ladder in steps_by_ladder.values() for s in ladder}
    for clock_id, step_id, event_id in new_events:
        by_clock[clock_id].append((steps[step_id], event_id))
    for clock in clocks:
        fired_now = {s.pk for s, _e in by_clock.get(clock.pk, [])}
        for step, _event in by_clock.get(clock.pk, []):
            clock.level_percent = max(clock.level_percent, step.percent)
        _schedule(
            clock,
            calendars.for_clock(clock),
            _ladder_steps(clock, steps_by_ladder),
            fired_before[(clock.pk, clock.cycle)] | fired_now,
        )
    _store_schedules(clocks)
    log_entries = [
        HandlingLogEntry(
            ticket_id=c.ticket_id,
            kind=LogKind.BREACHED,
            clock=c.kind,
            at=c.breached_at,
            data={"target_minutes": c.target_minutes},
        )
        for c in breaches
    ]
    if by_clock:
        _escalate({c.pk: c for c in clocks}, by_clock, details, log_entries, now, shares)
    else:
        HandlingLogEntry.objects.bulk_create(log_entries)
    return len(new_events)


def _store_schedules(clocks) -> None:
    """One parameterised UPDATE per clock, sent as a batch: far cheaper than
    bulk_update's CASE expressions for hundreds of rows."""
    table = connection.ops.quote_name(SlaClock._meta.db_table)
    sql = (
        f"UPDATE {table} SET breached_at = %s, level_percent = %s, due_at = %s, "  # noqa: S608
        "at_risk_at = %s, next_escalation_at = %s WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (c.breached_at, c.level_percent, c.due_at, c.at_risk_at, c.next_escalation_at, c.pk)
                for c in clocks
            ],
        )


def share_percent(used: dt.timedelta, target: dt.timedelta) -> int:
    """The share of its target a clock has used, in whole percent."""
    if target <= dt.timedelta(0):
        return 0
    return int(used / target * 100)


def _escalate(clocks, by_clock, details, log_entries, now, shares) -> None:
    leads = {lead.subsystem_id: lead.user for lead in TeamLead.objects.select_related("user")}
    supervisors = supervisors_by_county()
    priority_raises, reassignments = [], []
    # One notice per person and clock however many steps fired at once (a
    # sweep after a pause fires several), naming the share really used.
    notices_by_person = {}
    for clock_id, fired in by_clock.items():
        clock = clocks[clock_id]
        ticket, info = clock.ticket, details.get(clock.ticket_id)
        if info is None:
            continue
        message = _(
            "Ticket #%(id)s «%(title)s» has used %(percent)s%% of its %(clock)s target."
        ) % {
            "id": ticket.pk,
            "title": ticket.title,
            "percent": shares[clock_id],
            "clock": clock.get_kind_display(),
        }
        for step, event_id in sorted(fired, key=lambda f: f[0].percent):
            notified = []
            if step.action == Action.RAISE_PRIORITY:
                priority_raises.append(ticket)
            elif step.action == Action.REASSIGN:
                reassignments.append((ticket, _recipients(step.action, ticket, info, leads, {})))
            for user in _recipients(step.action, ticket, info, leads, supervisors):
                notified.append(user.display_name())
                # The highest step wins: its acknowledgement is the one logged.
                notices_by_person[(user.pk, clock_id)] = Notice(
                    recipient=user,
                    ticket=ticket,
                    kind=NoticeKind.ESCALATION,
                    escalation_id=event_id,
                    message=message,
                    created_at=now,
                )
            log_entries.append(
                HandlingLogEntry(
                    ticket_id=ticket.pk,
                    kind=LogKind.ESCALATED,
                    clock=clock.kind,
                    at=now,
                    text=step.get_action_display(),
                    data={
                        "percent": step.percent,
                        "action": step.action,
                        "notified": notified,
                        "escalation": event_id,
                    },
                )
            )
    HandlingLogEntry.objects.bulk_create(log_entries)
    _queue_side_effects(notices.notify_many(list(notices_by_person.values())))
    for ticket in {t.pk: t for t in priority_raises}.values():
        if ticket.priority > 1:
            # An update and an explicit sync, so the re-target happens at the sweep's now.
            Ticket.objects.filter(pk=ticket.pk).update(priority=ticket.priority - 1)
            sync_ticket(ticket, at=now)
    for ticket, leads_found in reassignments:
        if leads_found and ticket.assigned_to_id != leads_found[0].pk:
            ticket.assigned_to = leads_found[0]
            ticket.save(update_fields=["assigned_to"])


def _queue_side_effects(escalation_notices) -> None:
    """The escalated tickets live on the operator consoles, into the outbox
    in the sweep's transaction (the notices' own e-mails and pushes are
    queued by notices.notify_many): a worker killed after the commit loses
    none of them. The batch's console notices are one outbox message and,
    delivered, one console event per operator."""
    if not escalation_notices:
        return
    by_ticket = {n.ticket_id: n for n in escalation_notices}
    console_notices = [[n.ticket_id, n.message] for n in by_ticket.values()]
    first = min(n.pk for n in escalation_notices)
    outbox.enqueue(
        outbox.call(
            f"sla.console:{first}",
            push_escalations,
            summary=_("Console notices: %(count)d escalated tickets")
            % {"count": len(console_notices)},
            notices=console_notices,
        )
    )


@outbox.handler
def push_escalations(notices: list[list]) -> None:
    """Show escalated tickets live on the operator consoles (the chat app),
    each with its message, in one event per operator. Best effort: consoles
    read the in-app list again when they reconnect."""
    from helpdesk_site.chat.services import push_to_each_console

    push_to_each_console("escalation", dict(notices))
