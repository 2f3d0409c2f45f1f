"""Every change to inspection plans and runs goes through a function here:
plans set up by supervisors, runs made by the beat, answers recorded by the
operator (an abnormal one files or joins a ticket), missed and late runs
flagged to the supervisors once each."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.notices import services as notices
from helpdesk_site.notices.models import Kind
from helpdesk_site.tickets import scope as ticket_scope
from helpdesk_site.tickets import services as tickets
from helpdesk_site.tickets.models import Category
from helpdesk_site.tickets.uploads import CheckedUpload
from inspections import rules, selectors
from inspections.models import (
    Answer,
    AnswerKind,
    Choice,
    CountyCount,
    Item,
    Plan,
    Run,
    RunStatus,
)

NOTE_MAX = 2000
TEXT_MAX = 2000
TICKET_PRIORITY = 3  # helpdesk's "normal"


# --- Plans ------------------------------------------------------------------------


def _check_plan(user, plan: Plan) -> None:
    if not ticket_scope.configures_inspections(user, plan.department):
        raise PermissionDenied(_("You may only set up inspections for departments of your region."))
    if not ticket_scope.may_be_assigned(plan.operator, plan.subsystem.queue):
        raise ValidationError(
            _("%(name)s does not work the queue of %(subsystem)s: choose an operator who does.")
            % {"name": plan.operator.display_name(), "subsystem": plan.subsystem.name}
        )


def check_item(item: Item) -> None:
    """Thresholds make sense only for numbers, and must leave a normal range."""
    if item.kind not in rules.THRESHOLD_KINDS:
        item.above = item.below = None
    try:
        item.thresholds.check()
    except ValueError:
        raise ValidationError(
            _("“%(item)s”: the lower threshold is above the upper one.") % {"item": item.name}
        ) from None


@transaction.atomic
def save_plan(user, plan: Plan, items: list[Item], removed: list[Item] = ()) -> Plan:
    """Create or change a plan and its checklist. Items that already have
    answers are retired rather than deleted, so history keeps its lines;
    runs still to do follow a change of operator."""
    _check_plan(user, plan)
    if plan.pk is None:
        plan.created_by = user
    if not [i for i in items if i.active]:
        raise ValidationError(_("A plan needs at least one checklist item."))
    plan.save()
    for order, item in enumerate(items):
        check_item(item)
        item.plan = plan
        item.order = order
        item.save()
    for item in removed:
        if item.pk is None:
            continue
        if item.answers.exists():
            Item.objects.filter(pk=item.pk).update(active=False)
        else:
            item.delete()
    plan.runs.filter(status=RunStatus.PENDING).exclude(operator=plan.operator).update(
        operator=plan.operator
    )
    if not plan.active:
        # Runs nobody started are the beat's placeholders: a paused plan has none.
        plan.runs.filter(status=RunStatus.PENDING, answers__isnull=True).delete()
    return plan


# --- Runs made by the beat ----------------------------------------------------------


def make_due_runs(now=None) -> int:
    """Make every active plan's runs due from its first day (at most
    CATCH_UP_DAYS back) up to today; a run already there is left alone,
    so the beat may run this as often as it likes. Returns how many it made."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    working = selectors.is_working(selectors.calendar())
    made = 0
    for plan in Plan.objects.filter(active=True, starts_on__lte=today):
        first = max(plan.starts_on, today - dt.timedelta(days=rules.CATCH_UP_DAYS))
        due = rules.due_runs(plan.frequency, first, today, working, plan.weekday, plan.day_of_month)
        if not due:
            continue
        existing = set(
            plan.runs.filter(period_start__in=[start for start, _day in due]).values_list(
                "period_start", flat=True
            )
        )
        new = [
            Run(
                plan=plan,
                period_start=start,
                due_on=day,
                operator_id=plan.operator_id,
                created_at=now,
            )
            for start, day in due
            if start not in existing
        ]
        # A second beat racing this one hits the unique constraint: skipped.
        made += len(Run.objects.bulk_create(new, ignore_conflicts=True))
    return made


def flag_missed(now=None, quiet: bool = False) -> int:
    """Runs not recorded by the end of their due day become missed; the
    supervisors hear of each once (`quiet`: not at all, demo data about the
    past)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    flagged = 0
    for pk in list(
        Run.objects.filter(status=RunStatus.PENDING, due_on__lt=today).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            changed = Run.objects.filter(
                pk=pk, status=RunStatus.PENDING, missed_flagged_at__isnull=True
            ).update(status=RunStatus.MISSED, missed_flagged_at=now)
            if not changed:
                continue
            flagged += 1
            if quiet:
                continue
            run = Run.objects.select_related("plan__department", "operator").get(pk=pk)
            _tell_supervisors(
                run,
                _("Inspection missed: %(plan)s due %(day)s was not done by %(name)s.")
                % {
                    "plan": run.plan.name,
                    "day": f"{run.due_on:%Y-%m-%d}",
                    "name": run.operator.display_name(),
                },
                now,
            )
    return flagged


def tell_operators(now=None) -> int:
    """Each run due today, still to do, gets one notice to its operator;
    a run made after its due day (the beat was down) gets none, it is
    flagged missed instead."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    told = 0
    for pk in list(
        Run.objects.filter(
            status=RunStatus.PENDING, due_on=today, due_told_at__isnull=True
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            # A racing beat has told them already when this changes nothing.
            if not Run.objects.filter(pk=pk, due_told_at__isnull=True).update(due_told_at=now):
                continue
            run = Run.objects.select_related("plan__subsystem", "operator").get(pk=pk)
            notices.notify(
                [run.operator],
                message=_("Inspection due today: %(plan)s (%(subsystem)s).")
                % {"plan": run.plan.name, "subsystem": run.plan.subsystem.name},
                kind=Kind.INSPECTION,
                link=reverse("inspections:run", args=[run.pk]),
                at=now,
            )
            told += 1
    return told


def sweep(now=None) -> dict:
    return {"made": make_due_runs(now), "told": tell_operators(now), "missed": flag_missed(now)}


def _tell_supervisors(run: Run, message: str, now) -> None:
    notices.notify(
        selectors.supervisors_of(run.plan),
        message=message,
        kind=Kind.INSPECTION,
        link=reverse("inspections:run", args=[run.pk]),
        at=now,
    )


# --- Recording a run ----------------------------------------------------------------


@dataclass
class Given:
    """One item's answer as the operator gave it (already parsed by the form)."""

    choice: str = ""
    number: Decimal | None = None
    text: str = ""
    flagged: bool = False
    upload: CheckedUpload | None = None
    counts: dict = field(default_factory=dict)  # county code -> int


def _missing(item: Item, given: Given | None) -> bool:
    if given is None:
        return True
    kind = AnswerKind(item.kind)
    if kind == AnswerKind.STATUS:
        return given.choice not in (Choice.NORMAL, Choice.ABNORMAL)
    if kind == AnswerKind.NUMBER:
        return given.number is None
    if kind == AnswerKind.TEXT:
        return not given.text.strip()
    if kind == AnswerKind.SCREENSHOT:
        return given.upload is None
    return not given.counts


def _check_answers(items: list[Item], answers: dict) -> None:
    errors = {}
    for item in items:
        given = answers.get(item.pk)
        if _missing(item, given):
            errors[item.pk] = _("Please answer “%(item)s”.") % {"item": item.name}
        elif item.kind == AnswerKind.TEXT and len(given.text) > TEXT_MAX:
            errors[item.pk] = _("The text is too long (at most %(n)d characters).") % {
                "n": TEXT_MAX
            }
        elif item.kind == AnswerKind.SCREENSHOT and not given.upload.content_type.startswith(
            "image/"
        ):
            errors[item.pk] = _("“%(item)s” needs a screenshot (an image file).") % {
                "item": item.name
            }
        elif item.kind == AnswerKind.COUNTY_NUMBERS and any(
            n is None or n < 0 for n in given.counts.values()
        ):
            errors[item.pk] = _("Each county's number must be a whole number, 0 or more.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_run(run: Run, user, answers: dict, note: str = "", now=None, quiet: bool = False) -> Run:
    """The operator's answers (item id → Given) for every active item of
    the plan. An abnormal answer files a ticket in the plan's subsystem,
    or, while the ticket of an earlier finding of the same item is open,
    is added to it as a comment. A run recorded after its due day is late,
    and the supervisors hear of it once (`quiet`: not at all, demo data
    about the past)."""
    now = now or timezone.now()
    if not ticket_scope.may_record_run(user, run):
        raise PermissionDenied(_("Only the operator responsible records this inspection."))
    run = Run.objects.select_for_update().select_related("plan__subsystem__queue").get(pk=run.pk)
    if run.status == RunStatus.DONE:
        raise ValidationError(_("This inspection has already been recorded."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _("The remarks are too long (at most %(n)d characters).") % {"n": NOTE_MAX}
        )
    items = selectors.items_of(run.plan)
    _check_answers(items, answers)
    counties = {c.code: c for c in selectors.counties()}
    recorded = []
    for item in items:
        given = answers[item.pk]
        answer = Answer(run=run, item=item)
        if item.kind == AnswerKind.STATUS:
            answer.choice = given.choice
        elif item.kind == AnswerKind.NUMBER:
            answer.number = given.number
        elif item.kind == AnswerKind.TEXT:
            answer.text = given.text.strip()
        elif item.kind == AnswerKind.SCREENSHOT:
            answer.file = given.upload.file
            answer.file_type = given.upload.content_type
        answer.abnormal = rules.is_abnormal(
            item.kind,
            choice=given.choice,
            number=given.number,
            counts=given.counts,
            flagged=given.flagged,
            thresholds=item.thresholds,
        )
        answer.save()
        if item.kind == AnswerKind.COUNTY_NUMBERS:
            CountyCount.objects.bulk_create(
                CountyCount(answer=answer, county=counties[code], count=n)
                for code, n in given.counts.items()
                if code in counties
            )
        recorded.append(answer)
    run.status = RunStatus.DONE
    run.done_at = now
    run.done_by = user
    run.note = note
    run.late = rules.is_late(run.due_on, timezone.localtime(now).date())
    # A run is recorded once (the lock and the check above): so is its flag.
    run.late_flagged_at = now if run.late else None
    run.save(update_fields=["status", "done_at", "done_by", "note", "late", "late_flagged_at"])
    for answer in recorded:
        if answer.abnormal:
            _raise_finding(run, answer, user)
    if run.late and not quiet:
        _tell_supervisors(
            run,
            _("Inspection done late: %(plan)s due %(day)s was recorded on %(done)s by %(name)s.")
            % {
                "plan": run.plan.name,
                "day": f"{run.due_on:%Y-%m-%d}",
                "done": f"{timezone.localtime(now):%Y-%m-%d %H:%M}",
                "name": user.display_name(),
            },
            now,
        )
    return run


def run_link(run: Run) -> str:
    from reporting.documents import link_base

    return f"{link_base()}{reverse('inspections:run', args=[run.pk])}"


def finding_text(run: Run, answer: Answer) -> str:
    """The finding in words, with the answer, the normal range and the run's page."""
    item = answer.item
    lines = [
        _("Inspection %(plan)s of %(day)s found “%(item)s” abnormal.")
        % {"plan": run.plan.name, "day": f"{run.due_on:%Y-%m-%d}", "item": item.name},
        _("Answer: %(answer)s") % {"answer": answer.shown() or "—"},
    ]
    if item.kind in rules.THRESHOLD_KINDS and item.thresholds.describe():
        lines.append(_("Normal range: %(range)s") % {"range": item.thresholds.describe()})
    if item.kind == AnswerKind.COUNTY_NUMBERS:
        counts = {c.county.name: c.count for c in answer.counts.select_related("county")}
        over = rules.breaching_counties(counts, item.thresholds)
        if over:
            lines.append(
                _("Beyond the range: %(counties)s")
                % {"counties": "、".join(f"{name} {counts[name]}" for name in over)}
            )
    if run.note:
        lines.append(_("Remarks: %(note)s") % {"note": run.note})
    lines.append(_("Inspection record: %(url)s") % {"url": run_link(run)})
    return "\n".join(lines)


def _raise_finding(run: Run, answer: Answer, user) -> None:
    """One ticket per item while it is open: the item's row is locked so two
    runs recorded at once cannot both file one."""
    Item.objects.select_for_update().get(pk=answer.item_id)
    text = finding_text(run, answer)
    ticket = selectors.open_ticket_for(answer.item)
    if ticket is not None:
        tickets.add_comment(user=user, ticket=ticket, comment=text)
        answer.ticket, answer.opened_ticket = ticket, False
    else:
        attachments = []
        if answer.file:
            answer.file.open("rb")
            attachments = [
                CheckedUpload(
                    ContentFile(answer.file.read(), name=answer.file.name.rsplit("/", 1)[-1]),
                    answer.file_type,
                )
            ]
            answer.file.close()
        ticket = tickets.file_ticket(
            reporter=user,
            department=run.plan.department,
            subsystem=run.plan.subsystem,
            category=Category.FAULT,
            priority=TICKET_PRIORITY,
            title=_("Inspection finding: %(subsystem)s · %(item)s")
            % {"subsystem": run.plan.subsystem.name, "item": answer.item.name},
            description=text,
            attachments=attachments,
        )
        answer.ticket, answer.opened_ticket = ticket, True
    answer.save(update_fields=["ticket", "opened_ticket"])
