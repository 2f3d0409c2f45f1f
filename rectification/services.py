"""Every change to the rectification ledger goes through a function here:
one per transition, each recorded in the item's append-only history."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.notices import services as notices
from helpdesk_site.notices.models import Kind
from helpdesk_site.people.models import Department, User
from helpdesk_site.satisfaction import selectors as people_to_notify
from helpdesk_site.texts import required_text
from helpdesk_site.tickets import scope as ticket_scope
from rectification import rules, selectors
from rectification.models import (
    Action,
    Dimension,
    RectificationEvent,
    RectificationItem,
    Status,
)

MEASURES_MAX = 4000


def nothing_late_message() -> str:
    return _("This weak spot has no late tickets in the period: there is nothing to rectify.")


NOTE_MAX = 4000


def _record(item, action, actor, before, note="", at=None, **deadlines) -> RectificationEvent:
    return RectificationEvent.objects.create(
        item=item,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        status_before=before or "",
        status_after=item.status,
        note=note,
        **deadlines,
    )


def _working_days(days) -> int:
    if not isinstance(days, int) or not (rules.MIN_WORKING_DAYS <= days <= rules.MAX_WORKING_DAYS):
        raise ValidationError(
            _("The deadline must be %(low)d to %(high)d working days.")
            % {"low": rules.MIN_WORKING_DAYS, "high": rules.MAX_WORKING_DAYS}
        )
    return days


def _may_enter(user: User, region, department: Department) -> None:
    if not ticket_scope.may_read_reports_on(user, region):
        raise PermissionDenied(_("You may only rectify weak spots of your own region."))
    if not ticket_scope.may_read_reports_on(user, department.region):
        raise PermissionDenied(_("The responsible department must be in your region."))


def _enter(
    user: User,
    *,
    finding: str,
    measures: str,
    working_days: int,
    now,
    already_entered: str,
    **entry,
) -> RectificationItem:
    """Check the texts and working days, set the deadline on the SLA
    calendar and store the item with its first event; a second entry of the
    same thing (the ledger's unique constraints) is refused with
    `already_entered`."""
    measures = required_text(measures, _("measures"), MEASURES_MAX)
    finding = required_text(finding, _("finding"), NOTE_MAX)
    working_days = _working_days(working_days)
    deadline = rules.deadline_after(now, working_days, selectors.calendar())
    item = RectificationItem(
        finding=finding,
        measures=measures,
        working_days=working_days,
        deadline=deadline,
        original_deadline=deadline,
        status=Status.PENDING,
        created_by=user,
        created_at=now,
        **entry,
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ValidationError(already_entered) from None
    _record(item, Action.CREATE, user, "", at=now)
    return item


@transaction.atomic
def create_from_weak_spot(
    spot: selectors.WeakSpot,
    user: User,
    *,
    department: Department,
    measures: str,
    working_days: int,
    finding: str = "",
    now=None,
) -> RectificationItem:
    """A weak spot of a period becomes an item of the ledger, due N working
    days after today on the SLA engine's calendar. A supervisor acts only in
    their region: the report's region and the responsible department must
    both lie in it. A weak spot is entered once per period and region."""
    now = now or timezone.now()
    region = spot.filters.region
    _may_enter(user, region, department)
    if not spot.group.missed:
        raise ValidationError(nothing_late_message())
    period = spot.filters.period
    return _enter(
        user,
        finding=finding or spot.evidence,
        measures=measures,
        working_days=working_days,
        now=now,
        already_entered=_("This weak spot is already in the ledger for this period."),
        region=region,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        period_title=period.title,
        dimension=spot.group.dimension,
        group_key=spot.group.key,
        group_name=spot.group.name,
        evidence=spot.snapshot(),
        department=department,
    )


@transaction.atomic
def create_from_finding(
    user: User,
    *,
    region,
    period_kind: str,
    period_start: dt.date,
    period_end: dt.date,
    period_title: str,
    key: str,
    name: str,
    finding: str,
    evidence: dict,
    department: Department,
    measures: str,
    working_days: int,
    now=None,
) -> RectificationItem:
    """A signed finding of the indicator analysis (评估指标) becomes an item
    of the ledger, under the same rules as a weak spot of the reports: the
    user's region holds the finding's and the department's, the texts and
    working days are checked, the deadline falls on the SLA calendar, and a
    finding is entered once."""
    now = now or timezone.now()
    _may_enter(user, region, department)
    return _enter(
        user,
        finding=finding,
        measures=measures,
        working_days=working_days,
        now=now,
        already_entered=_("This finding is already in the rectification ledger."),
        region=region,
        period_kind=period_kind,
        period_start=period_start,
        period_end=period_end,
        period_title=period_title,
        dimension=Dimension.INDICATOR,
        group_key=key,
        group_name=name,
        evidence=evidence,
        department=department,
    )


def accept_proposal(spot: selectors.WeakSpot, user: User, *, now=None) -> RectificationItem:
    """A proposal of the report (本期整改建议) taken as it stands: its
    evidence as the finding, its advice as the measures, the suggested
    department, the default number of working days."""
    department = selectors.suggested_department(spot)
    if department is None:
        raise ValidationError(
            _("No responsible department can be suggested for this weak spot: choose one.")
        )
    return create_from_weak_spot(
        spot,
        user,
        department=department,
        measures=spot.advice or _("Find the cause of the late tickets and fix it."),
        working_days=rules.DEFAULT_WORKING_DAYS,
        now=now,
    )


def _transition(item_pk, user, action, now, note="", **changes) -> RectificationItem:
    item = (
        RectificationItem.objects.select_for_update()
        .select_related("department__region", "region")
        .get(pk=item_pk)
    )
    if user is not None and not selectors.may_work(user, item):
        raise PermissionDenied(_("You may only work on items of your own region."))
    before = item.status
    try:
        item.status = rules.next_status(action, before)
    except rules.TransitionRefused:
        raise ValidationError(
            _("An item that is “%(status)s” cannot be %(action)s.")
            % {"status": Status(before).label, "action": Action(action).label}
        ) from None
    deadlines = {}
    if "deadline" in changes:
        deadlines = {"deadline_before": item.deadline, "deadline_after": changes["deadline"]}
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()
    _record(item, action, user, before, note=note, at=now, **deadlines)
    return item


@transaction.atomic
def start(item: RectificationItem, user: User, *, now=None) -> RectificationItem:
    """The responsible department has begun (待整改 → 整改中)."""
    now = now or timezone.now()
    return _transition(item.pk, user, rules.Action.START, now, started_at=now)


@transaction.atomic
def complete(item: RectificationItem, user: User, *, note: str, now=None) -> RectificationItem:
    """Done, with what was done (→ 已完成); an overdue item too, which then
    reads 逾期完成."""
    now = now or timezone.now()
    note = required_text(note, _("completion note"), NOTE_MAX)
    return _transition(
        item.pk,
        user,
        rules.Action.COMPLETE,
        now,
        note=note,
        completed_at=now,
        completed_by=user,
        completion_note=note,
    )


@transaction.atomic
def extend(
    item: RectificationItem, user: User, *, working_days: int, reason: str, now=None
) -> RectificationItem:
    """Move the deadline N working days later on the SLA calendar, with the
    reason, before it has passed; the history keeps both deadlines and the
    first one stays for the reports' 按期/逾期. The department and the
    supervisors who would hear of it being late are told."""
    now = now or timezone.now()
    reason = required_text(reason, _("reason for the extension"), NOTE_MAX)
    working_days = _working_days(working_days)
    current = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if rules.is_past(current.deadline, timezone.localtime(now).date()):
        raise ValidationError(_("The deadline has passed: the item can no longer be extended."))
    deadline = rules.extended_deadline(current.deadline, working_days, selectors.calendar())
    item = _transition(
        item.pk,
        user,
        rules.Action.EXTEND,
        now,
        note=reason,
        deadline=deadline,
        working_days=current.working_days + working_days,
    )
    message = _(
        "The deadline of rectification item %(number)s (%(department)s: %(name)s) was extended "
        "from %(before)s to %(after)s by %(who)s: %(reason)s"
    ) % {
        "number": item.number,
        "department": item.department,
        "name": item.group_name,
        "before": current.deadline.strftime("%Y-%m-%d"),
        "after": deadline.strftime("%Y-%m-%d"),
        "who": user.display_name(),
        "reason": reason,
    }
    _notify(item, message, now, [*department_people(item), *escalation_recipients(item)], user)
    return item


@transaction.atomic
def withdraw(item: RectificationItem, user: User, *, reason: str, now=None) -> RectificationItem:
    """Take an item off the ledger's open work (已撤销), with the reason: it
    is closed, never overdue, and reports show it as 已撤销. A done item
    stays done."""
    now = now or timezone.now()
    reason = required_text(reason, _("reason for the withdrawal"), NOTE_MAX)
    item = _transition(
        item.pk,
        user,
        rules.Action.WITHDRAW,
        now,
        note=reason,
        withdrawn_at=now,
        withdrawn_by=user,
        withdrawal_reason=reason,
    )
    message = _(
        "Rectification item %(number)s (%(department)s: %(name)s) was withdrawn by %(who)s: "
        "%(reason)s"
    ) % {
        "number": item.number,
        "department": item.department,
        "name": item.group_name,
        "who": user.display_name(),
        "reason": reason,
    }
    _notify(item, message, now, [*department_people(item), *escalation_recipients(item)], user)
    return item


def send_reminders(now=None) -> int:
    """Remind the responsible department and its county's supervisors of
    each open item whose deadline is near (rules.reminder_day), once per
    item: the mark, the history line and the notices are one transaction,
    and an item taken by a concurrent sweep is skipped."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    calendar = selectors.calendar()
    reminded = 0
    with transaction.atomic():
        # A reminder falls at most a few weeks before its deadline, even
        # across the longest holidays.
        candidates = (
            RectificationItem.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=[Status.PENDING, Status.IN_PROGRESS],
                reminded_at__isnull=True,
                deadline__gte=today,
                deadline__lte=today + dt.timedelta(days=30),
            )
            .select_related("department__region", "region")
            .order_by("deadline", "pk")
        )
        for item in candidates:
            if not rules.reminder_due(item.deadline, today, calendar):
                continue
            item.reminded_at = now
            item.save(update_fields=["reminded_at"])
            message = reminder_message(item)
            _record(item, Action.REMIND, None, item.status, note=message, at=now)
            county = people_to_notify.county_supervisors(item.department.region_id[:6])
            _notify(item, message, now, [*department_people(item), *county])
            reminded += 1
    return reminded


def reminder_message(item: RectificationItem) -> str:
    return _("Rectification item %(number)s (%(department)s: %(name)s) is due on %(deadline)s.") % {
        "number": item.number,
        "department": item.department,
        "name": item.group_name,
        "deadline": item.deadline.strftime("%Y-%m-%d"),
    }


def department_people(item: RectificationItem):
    """Those who work in the responsible department."""
    return User.objects.filter(department=item.department, is_active=True)


def check_overdue(now=None) -> int:
    """Mark every open item past its deadline 已逾期 and escalate it, like a
    ticket: a notice and an e-mail to the supervisors of the responsible
    department's county and to the prefecture's. Each item escalates
    once: the status change and the notices are one transaction, and an
    item taken by a concurrent check is skipped (and no longer open)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                RectificationItem.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status__in=[Status.PENDING, Status.IN_PROGRESS],
                    deadline__lt=today,
                    escalated_at__isnull=True,
                )
                .select_related("department__region", "region")
                .order_by("deadline", "pk")[:200]
            )
            for item in batch:
                before = item.status
                item.status = rules.next_status(rules.Action.MARK_OVERDUE, before)
                item.escalated_at = now
                item.save(update_fields=["status", "escalated_at"])
                message = overdue_message(item)
                _record(item, Action.MARK_OVERDUE, None, before, note=message, at=now)
                _notify(item, message, now, escalation_recipients(item))
            escalated += len(batch)
        if len(batch) < 200:
            return escalated


def overdue_message(item: RectificationItem) -> str:
    return _(
        "Rectification item %(number)s (%(department)s: %(name)s) is overdue: "
        "its deadline was %(deadline)s."
    ) % {
        "number": item.number,
        "department": item.department,
        "name": item.group_name,
        "deadline": item.deadline.strftime("%Y-%m-%d"),
    }


def escalation_recipients(item: RectificationItem) -> list[User]:
    """The supervisors of the responsible department's county and those of
    the prefecture, each once."""
    county = item.department.region_id[:6]
    found = {}
    for user in list(people_to_notify.county_supervisors(county)) + list(
        people_to_notify.prefecture_supervisors()
    ):
        found.setdefault(user.pk, user)
    return list(found.values())


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _notify(item, message, now, recipients, actor=None) -> None:
    """A notice to each person (not to whoever acted), leading to the item's
    page; its e-mail, sent with it, carries the finding and the measures.
    One line: the mail's subject is the notice's beginning."""
    text = _one_line(f"{message} {_('Finding')}：{item.finding} {_('Measures')}：{item.measures}")
    notices.notify(
        [user for user in recipients if actor is None or user.pk != actor.pk],
        message=text,
        kind=Kind.RECTIFICATION,
        link=reverse("rectification:detail", args=[item.pk]),
        at=now,
    )
