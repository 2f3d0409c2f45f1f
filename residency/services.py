"""Every change to the engineers' assessments goes through a function here,
each recorded in the engineer's append-only history (考核记录)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.notices import services as notices
from helpdesk_site.notices.models import Kind
from helpdesk_site.satisfaction import selectors as people_to_notify
from helpdesk_site.tickets import scope as ticket_scope
from residency import rules, selectors
from residency.models import (
    Assessment,
    AssessmentScore,
    AssessmentTemplate,
    DeadlineStatus,
    Engineer,
    Event,
    EventKind,
    RetakeDeadline,
    Source,
)
from sla.models import TeamLead

NOTE_MAX = 4000
LONGEST_PERIOD_DAYS = 366


def _event(engineer, kind, *, at, actor=None, assessment=None, deadline=None, note="", once=None):
    """Add a history line; None when a line with the same `once` exists."""
    year = selectors.contract_year_of(
        assessment.assessed_on if assessment else timezone.localtime(at).date()
    )
    try:
        with transaction.atomic():
            return Event.objects.create(
                engineer=engineer,
                contract_year=year,
                at=at,
                kind=kind,
                assessment=assessment,
                deadline=deadline,
                actor=actor,
                note=note,
                once=once,
            )
    except IntegrityError:
        return None


def _check_dates(assessed_on, period_from, period_to, today):
    if assessed_on > today:
        raise ValidationError(_("The assessment date cannot be in the future."))
    if period_from > period_to:
        raise ValidationError(_("The figures' first day must not be after their last day."))
    if period_to > assessed_on:
        raise ValidationError(_("The figures cannot run past the assessment date."))
    if (period_to - period_from).days >= LONGEST_PERIOD_DAYS:
        raise ValidationError(_("The figures may cover at most a year."))


def _manual_score(item, manual_scores) -> Decimal:
    value = manual_scores.get(item.pk)
    if value in (None, ""):
        raise ValidationError(_("Please score “%(item)s”.") % {"item": item.name})
    try:
        return rules.check_manual_score(value)
    except ValueError:
        raise ValidationError(
            _("The score of “%(item)s” must be a number from 0 to 100.") % {"item": item.name}
        ) from None


@transaction.atomic
def record_assessment(
    engineer: Engineer,
    assessor,
    *,
    assessed_on: dt.date,
    period_from: dt.date,
    period_to: dt.date,
    manual_scores: dict,
    note: str = "",
    replaces: Engineer | None = None,
    now=None,
    quiet: bool = False,
) -> Assessment:
    """A supervisor's assessment of an engineer on the current template:
    data items scored from the desk's figures for the period, the others
    from `manual_scores` (template item id → 0–100). A failure starts the
    7-day deadline; a re-assessment closes the running one; a third failure
    in a row is flagged to the prefecture. `quiet` records the history
    without telling anyone (demo data about the past)."""
    now = now or timezone.now()
    if not ticket_scope.may_assess(assessor, engineer):
        raise PermissionDenied(_("You may only assess engineers posted in your region."))
    _check_dates(assessed_on, period_from, period_to, timezone.localtime(now).date())
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX}
        )
    if replaces is not None and (
        replaces.pk == engineer.pk or not ticket_scope.may_assess(assessor, replaces)
    ):
        raise ValidationError(_("Choose another engineer of your region as the one replaced."))
    template = selectors.current_template()
    if template is None or not template.items.exists():
        raise ValidationError(_("An administrator has not yet set up the assessment items."))
    items = list(template.items.all())
    engineer = (
        Engineer.objects.select_for_update().select_related("post", "user").get(pk=engineer.pk)
    )
    measured = {}
    if any(item.source != Source.MANUAL for item in items):
        measured = selectors.measure(engineer, period_from, period_to, now=now)
    rows = []
    for item in items:
        if item.source == Source.MANUAL:
            rows.append((item, _manual_score(item, manual_scores), ""))
        else:
            found = measured[Source(item.source)]
            rows.append((item, found.score, found.text))
    result = rules.total_of(
        [rules.ItemScore(item.weight, score) for item, score, _text in rows], template.pass_mark
    )
    assessment = Assessment.objects.create(
        engineer=engineer,
        assessed_on=assessed_on,
        assessor=assessor,
        contract_year=selectors.contract_year_of(assessed_on),
        template=template,
        period_from=period_from,
        period_to=period_to,
        pass_mark=template.pass_mark,
        total=result.total,
        passed=result.passed,
        note=note,
        replaces=replaces if result.passed else None,
        recorded_at=now,
    )
    AssessmentScore.objects.bulk_create(
        AssessmentScore(
            assessment=assessment,
            name=item.name,
            source=item.source,
            weight=item.weight,
            measured=text,
            score=score,
            order=index,
        )
        for index, (item, score, text) in enumerate(rows)
    )
    kind = EventKind.PASSED if result.passed else EventKind.FAILED
    _event(
        engineer,
        kind,
        at=now,
        actor=assessor,
        assessment=assessment,
        note=_verdict_line(assessment),
    )
    _close_running(engineer, assessment, now, quiet)
    if replaces is not None and result.passed:
        _replace(replaces, assessment, now, quiet)
    if not result.passed:
        _open_deadline(engineer, assessment, now, quiet)
        if rules.ends_contract(selectors.verdicts(engineer)):
            _flag_three_failures(engineer, assessment, now, quiet)
    return assessment


def _verdict_line(assessment) -> str:
    total = "—" if assessment.total is None else f"{assessment.total}"
    return _("Total %(total)s, pass mark %(mark)s.") % {
        "total": total,
        "mark": assessment.pass_mark,
    }


def _close_running(engineer, assessment, now, quiet) -> None:
    """The re-assessment answers the deadline the last failure set: in time,
    it clears it (a pass) or ends it (another failure, which sets its own);
    late, the deadline is missed, and the late re-assessment is noted."""
    for deadline in (
        RetakeDeadline.objects.select_for_update()
        .filter(engineer=engineer, closed_by__isnull=True)
        .exclude(failed=assessment)
    ):
        if deadline.status == DeadlineStatus.OPEN and not rules.in_time(
            deadline.due_on, assessment.assessed_on
        ):
            _mark_missed(deadline, now, quiet)
        if deadline.status == DeadlineStatus.OPEN:
            deadline.status = (
                DeadlineStatus.CLEARED if assessment.passed else DeadlineStatus.FAILED_AGAIN
            )
            kind = EventKind.CLEARED if assessment.passed else EventKind.FAILED_AGAIN
            _event(engineer, kind, at=now, assessment=assessment, deadline=deadline)
        deadline.closed_by = assessment
        deadline.closed_at = now
        deadline.save(update_fields=["status", "closed_by", "closed_at"])


def _replace(replaced: Engineer, assessment, now, quiet) -> None:
    """A new engineer who passed in place of a failed one answers the failed
    one's deadline; the replaced engineer leaves the site."""
    replaced = Engineer.objects.select_for_update().get(pk=replaced.pk)
    for deadline in RetakeDeadline.objects.select_for_update().filter(
        engineer=replaced, closed_by__isnull=True
    ):
        if deadline.status == DeadlineStatus.OPEN and not rules.in_time(
            deadline.due_on, assessment.assessed_on
        ):
            _mark_missed(deadline, now, quiet)
        if deadline.status == DeadlineStatus.OPEN:
            deadline.status = DeadlineStatus.CLEARED
            _event(
                replaced,
                EventKind.CLEARED,
                at=now,
                assessment=assessment,
                deadline=deadline,
                note=_("Replaced by %(name)s, who passed.") % {"name": assessment.engineer},
            )
        deadline.closed_by = assessment
        deadline.closed_at = now
        deadline.save(update_fields=["status", "closed_by", "closed_at"])
    replaced.active = False
    replaced.save(update_fields=["active"])


def _open_deadline(engineer, assessment, now, quiet) -> RetakeDeadline:
    deadline = RetakeDeadline.objects.create(
        failed=assessment, engineer=engineer, due_on=rules.retake_due(assessment.assessed_on)
    )
    message = _(
        "%(name)s failed the resident engineer assessment of %(day)s (total %(total)s, pass "
        "mark %(mark)s): retrain or replace and re-assess by %(due)s."
    ) % {
        "name": engineer,
        "day": f"{assessment.assessed_on:%Y-%m-%d}",
        "total": "—" if assessment.total is None else assessment.total,
        "mark": assessment.pass_mark,
        "due": f"{deadline.due_on:%Y-%m-%d}",
    }
    _event(
        engineer,
        EventKind.DEADLINE_OPENED,
        at=now,
        assessment=assessment,
        deadline=deadline,
        note=message,
    )
    if not quiet:
        _tell(reminder_recipients(deadline), message, assessment, now)
    return deadline


def _flag_three_failures(engineer, assessment, now, quiet) -> None:
    count = rules.trailing_failures(selectors.verdicts(engineer))
    message = _(
        "%(name)s has failed %(n)d resident engineer assessments in a row (latest %(day)s): "
        "under the contract, grounds to end it."
    ) % {"name": engineer, "n": count, "day": f"{assessment.assessed_on:%Y-%m-%d}"}
    event = _event(
        engineer,
        EventKind.THREE_FAILURES,
        at=now,
        assessment=assessment,
        note=message,
        once=f"three_failures:{assessment.pk}",
    )
    if event is not None and not quiet:
        recipients = list(people_to_notify.prefecture_supervisors()) + contractor_leads(engineer)
        _tell(recipients, message, assessment, now)


def contractor_leads(engineer: Engineer) -> list:
    """The contractor's lead for this engineer, or else the operator team lead."""
    if engineer.contractor_lead_id:
        return [engineer.contractor_lead]
    lead = TeamLead.objects.filter(subsystem__isnull=True).select_related("user").first()
    return [lead.user] if lead else []


def reminder_recipients(deadline: RetakeDeadline) -> list:
    """The contractor's lead, the assessor and the supervisors of the county
    the engineer is posted in."""
    engineer = deadline.engineer
    return [
        *contractor_leads(engineer),
        deadline.failed.assessor,
        *people_to_notify.county_supervisors(engineer.post_id[:6]),
    ]


def _tell(recipients, message, assessment, now) -> None:
    notices.notify(
        recipients,
        message=message,
        kind=Kind.ASSESSMENT,
        link=reverse("residency:assessment", args=[assessment.pk]),
        at=now,
    )


def _mark_missed(deadline: RetakeDeadline, now, quiet) -> None:
    deadline.status = DeadlineStatus.MISSED
    deadline.save(update_fields=["status"])
    message = _(
        "The re-assessment deadline of %(name)s (%(due)s) has passed without a passing "
        "re-assessment."
    ) % {"name": deadline.engineer, "due": f"{deadline.due_on:%Y-%m-%d}"}
    event = _event(
        deadline.engineer,
        EventKind.MISSED,
        at=now,
        assessment=deadline.failed,
        deadline=deadline,
        note=message,
        once=f"missed:{deadline.pk}",
    )
    if event is not None and not quiet:
        recipients = reminder_recipients(deadline) + list(people_to_notify.prefecture_supervisors())
        _tell(recipients, message, deadline.failed, now)


def sweep(now=None) -> int:
    """Remind of running deadlines (3 days, 1 day before and on the last
    day) and flag the missed ones, each once: the history line and its
    notices are one transaction, and a line already there stops a repeat."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    done = 0
    pending = RetakeDeadline.objects.filter(status=DeadlineStatus.OPEN).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            deadline = (
                RetakeDeadline.objects.select_for_update(skip_locked=True)
                .select_related("engineer__user", "engineer__post", "failed__assessor")
                .filter(pk=pk, status=DeadlineStatus.OPEN)
                .first()
            )
            if deadline is None:
                continue
            if rules.is_missed(deadline.due_on, today):
                _mark_missed(deadline, now, quiet=False)
                done += 1
                continue
            for left in rules.reminders_due(deadline.due_on, today):
                if _remind(deadline, left, now):
                    done += 1
    return done


def _remind(deadline: RetakeDeadline, left: int, now) -> bool:
    if left:
        message = _(
            "Reminder: %(name)s must be re-assessed by %(due)s (%(n)d days left) after failing "
            "the assessment of %(day)s."
        ) % {
            "name": deadline.engineer,
            "due": f"{deadline.due_on:%Y-%m-%d}",
            "n": left,
            "day": f"{deadline.failed.assessed_on:%Y-%m-%d}",
        }
    else:
        message = _(
            "Reminder: today (%(due)s) is the last day to re-assess %(name)s after failing the "
            "assessment of %(day)s."
        ) % {
            "name": deadline.engineer,
            "due": f"{deadline.due_on:%Y-%m-%d}",
            "day": f"{deadline.failed.assessed_on:%Y-%m-%d}",
        }
    event = _event(
        deadline.engineer,
        EventKind.REMINDER,
        at=now,
        assessment=deadline.failed,
        deadline=deadline,
        note=message,
        once=f"reminder:{deadline.pk}:{left}",
    )
    if event is None:
        return False
    _tell(reminder_recipients(deadline), message, deadline.failed, now)
    return True


def ensure_template() -> None:
    """The shipped assessment template, when an administrator has none."""
    if AssessmentTemplate.objects.exists():
        return
    template = AssessmentTemplate.objects.create(
        name="驻场运维人员考核表", pass_mark=rules.DEFAULT_PASS_MARK
    )
    for order, (name, source, weight) in enumerate(rules.DEFAULT_ITEMS):
        template.items.create(name=name, source=source, weight=weight, order=order)
