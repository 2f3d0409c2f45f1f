"""Every change to the rectification ledger goes through a function here:
one per transition, each recorded in the item's append-only history."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.notices import links
from helpdesk_site.notices.models import Notice
from helpdesk_site.outbox import services as outbox
from helpdesk_site.people.models import Department, User
from helpdesk_site.satisfaction import selectors as people_to_notify
from helpdesk_site.tickets import scope as ticket_scope
from rectification import rules, selectors
from rectification.models import Action, RectificationEvent, RectificationItem, Status

MEASURES_MAX = 4000


def nothing_late_message() -> str:
    return _("This weak spot has no late tickets in the period: there is nothing to rectify.")


NOTE_MAX = 4000


def _record(item, action, actor, before, note="", at=None) -> RectificationEvent:
    return RectificationEvent.objects.create(
        item=item,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        status_before=before or "",
        status_after=item.status,
        note=note,
    )


def _text(value: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Please fill in the %(what)s.") % {"what": what})
    if len(value) > limit:
        raise ValidationError(
            _("The %(what)s is too long (at most %(n)d characters).") % {"what": what, "n": limit}
        )
    return value


def _working_days(days) -> int:
    if not isinstance(days, int) or not (rules.MIN_WORKING_DAYS <= days <= rules.MAX_WORKING_DAYS):
        raise ValidationError(
            _("The deadline must be %(low)d to %(high)d working days.")
            % {"low": rules.MIN_WORKING_DAYS, "high": rules.MAX_WORKING_DAYS}
        )
    return days


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
    if not ticket_scope.may_read_reports_on(user, region):
        raise PermissionDenied(_("You may only rectify weak spots of your own region."))
    if not ticket_scope.may_read_reports_on(user, department.region):
        raise PermissionDenied(_("The responsible department must be in your region."))
    if not spot.group.missed:
        raise ValidationError(nothing_late_message())
    measures = _text(measures, _("measures"), MEASURES_MAX)
    finding = _text(finding or spot.evidence, _("finding"), NOTE_MAX)
    working_days = _working_days(working_days)
    period = spot.filters.period
    item = RectificationItem(
        finding=finding,
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
        measures=measures,
        working_days=working_days,
        deadline=rules.deadline_after(now, working_days, selectors.calendar()),
        status=Status.PENDING,
        created_by=user,
        created_at=now,
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ValidationError(
            _("This weak spot is already in the ledger for this period.")
        ) from None
    _record(item, Action.CREATE, user, "", at=now)
    return item


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


def _transition(item_pk, user, action, now, **changes) -> RectificationItem:
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
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()
    _record(item, action, user, before, note=changes.get("completion_note", ""), at=now)
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
    note = _text(note, _("completion note"), NOTE_MAX)
    return _transition(
        item.pk,
        user,
        rules.Action.COMPLETE,
        now,
        completed_at=now,
        completed_by=user,
        completion_note=note,
    )


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
                _notify(item, message, now)
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


def _link(item) -> str:
    return links.absolute(settings.SITE_URL, reverse("rectification:detail", args=[item.pk]))


def _notify(item, message, now) -> None:
    """In-app notices, and their e-mails through the outbox in the same
    transaction: sent after the commit, retried until the mail server takes
    them, each once (the key names the item)."""
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, message=message, created_at=now)
        for user in escalation_recipients(item)
    )
    body = "\n".join(
        [
            message,
            "",
            f"{_('Finding')}：{item.finding}",
            f"{_('Measures')}：{item.measures}",
            _link(item),
        ]
    )
    outbox.enqueue(
        *(
            outbox.mail(
                f"rectification.overdue:{item.pk}:{n.recipient_id}",
                subject=message,
                body=body,
                to=[n.recipient.email],
            )
            for n in notices
            if n.recipient.email
        )
    )
