"""Every change to key work (重点工作) goes through a function here, each
recorded in the item's append-only history; the sweep reminds owners of
near deadlines and escalates missed ones, each once."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from helpdesk_site.notices import services as notices
from helpdesk_site.notices.models import Kind as NoticeKind
from helpdesk_site.people.models import Department, User
from helpdesk_site.regions.models import Region
from helpdesk_site.satisfaction import selectors as people_to_notify
from helpdesk_site.texts import required_text
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.uploads import check_uploads
from keywork import rules, selectors
from keywork.models import Action, Attachment, Event, Item, Kind, Milestone, Status, Update

TITLE_MAX = 200
TEXT_MAX = 4000
OWNER_LEVELS = (Region.Level.PREFECTURE, Region.Level.COUNTY)


def _record(item, action, actor, before, *, note="", at=None, milestone=None) -> Event:
    return Event.objects.create(
        item=item,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        status_before=before or "",
        status_after=item.status,
        milestone=milestone,
        note=note,
    )


def _locked(item: Item) -> Item:
    return (
        Item.objects.select_for_update(of=("self",))
        .select_related("region", "department__region")
        .get(pk=item.pk)
    )


def _may_edit(user, item: Item) -> None:
    if not scope.edits_key_work(user, item):
        raise PermissionDenied(_("Only the supervisors of the owner county may change this item."))


def _may_report(user, item: Item) -> None:
    if not scope.reports_key_work_progress(user, item):
        raise PermissionDenied(
            _("Only the owner department and the supervisors may report progress on this item.")
        )


def _transition(item: Item, user, action, now, note="", **changes) -> Item:
    before = item.status
    try:
        item.status = rules.next_status(action, before)
    except rules.TransitionRefused:
        raise ValidationError(
            _("An item that is “%(status)s” cannot be “%(action)s”.")
            % {"status": Status(before).label, "action": Action(action).label}
        ) from None
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()
    _record(item, action, user, before, note=note, at=now)
    return item


def _check_owner(user, region: Region, department: Department | None) -> None:
    if region.level not in OWNER_LEVELS:
        raise ValidationError(_("The owner must be a county or the prefecture."))
    if not scope.enters_key_work(user, region):
        raise PermissionDenied(_("You may only enter key work of your own region."))
    if department is not None and not department.region_id.startswith(region.subtree_prefix):
        raise ValidationError(_("The owner department must lie in the owner county."))


@transaction.atomic
def create_item(
    user: User,
    *,
    year: int,
    title: str,
    kind: str,
    goal: str,
    source_title: str,
    source_issuer: str,
    region: Region,
    due_date: dt.date,
    source_number: str = "",
    department: Department | None = None,
    milestones=(),
    now=None,
) -> Item:
    """Enter an item from the year's documents, with its milestones
    ((title, deadline) pairs); a material submission needs only its due date."""
    now = now or timezone.now()
    _check_owner(user, region, department)
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of key work."))
    if due_date.year < year:
        raise ValidationError(_("The due date must fall in the item's year or later."))
    item = Item.objects.create(
        year=year,
        title=required_text(title, _("title"), TITLE_MAX),
        kind=kind,
        goal=required_text(goal, _("goal"), TEXT_MAX),
        source_title=required_text(source_title, _("source document"), TITLE_MAX),
        source_number=(source_number or "").strip()[:80],
        source_issuer=required_text(source_issuer, _("issuing body"), 120),
        region=region,
        department=department,
        due_date=due_date,
        created_by=user,
        created_at=now,
    )
    _record(item, Action.CREATE, user, "", at=now)
    for milestone_title, deadline in milestones:
        _add_milestone(item, user, milestone_title, deadline, now)
    return item


@transaction.atomic
def edit_item(item: Item, user: User, *, now=None, **fields) -> Item:
    """Change what the item is (title, goal, source, owner, due date); the
    history says which fields changed."""
    now = now or timezone.now()
    item = _locked(item)
    _may_edit(user, item)
    region = fields.get("region", item.region)
    department = fields.get("department", item.department)
    _check_owner(user, region, department)
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(str(Item._meta.get_field(name).verbose_name))
    for name, what, limit in (
        ("title", _("title"), TITLE_MAX),
        ("goal", _("goal"), TEXT_MAX),
        ("source_title", _("source document"), TITLE_MAX),
        ("source_issuer", _("issuing body"), 120),
    ):
        required_text(getattr(item, name), what, limit)
    if not changed:
        return item
    if "due_date" in fields:
        item.reminded_at = item.escalated_at = None
    item.save()
    note = _("Changed: %(fields)s") % {"fields": "、".join(changed)}
    _record(item, Action.EDIT, user, item.status, at=now, note=note)
    _catch_up(item, now)
    return item


def _add_milestone(item, user, title, deadline, now) -> Milestone:
    milestone = Milestone.objects.create(
        item=item, title=required_text(title, _("milestone"), TITLE_MAX), deadline=deadline
    )
    _record(item, Action.ADD_MILESTONE, user, item.status, at=now, milestone=milestone)
    return milestone


@transaction.atomic
def add_milestone(item: Item, user: User, *, title: str, deadline: dt.date, now=None) -> Milestone:
    now = now or timezone.now()
    item = _locked(item)
    _may_edit(user, item)
    if not item.is_open:
        raise ValidationError(_("Milestones are added to open items only."))
    return _add_milestone(item, user, title, deadline, now)


def _check_milestone_owner(item: Item, owner: Department | None) -> None:
    if owner is not None and not owner.region_id.startswith(item.region.subtree_prefix):
        raise ValidationError(_("The milestone's owner must lie in the item's owner county."))


@transaction.atomic
def edit_milestone(
    item: Item,
    milestone: Milestone,
    user: User,
    *,
    title: str,
    deadline: dt.date,
    owner: Department | None = None,
    now=None,
) -> Milestone:
    """Change an open milestone's title, deadline or owner; the history says
    what it was and what it is. A moved deadline is reminded and escalated
    afresh; a late item whose missed deadlines are all gone is back on schedule."""
    now = now or timezone.now()
    item = _locked(item)
    _may_edit(user, item)
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=milestone.pk)
    )
    if milestone.item_id != item.pk:
        raise ValidationError(_("That milestone belongs to another item."))
    if not item.is_open:
        raise ValidationError(_("The item is closed."))
    if milestone.is_done:
        raise ValidationError(_("A reached milestone is no longer changed."))
    title = required_text(title, _("milestone"), TITLE_MAX)
    _check_milestone_owner(item, owner)
    changes = []
    if title != milestone.title:
        changes.append(f"{_('milestone')}：{milestone.title} → {title}")
    if deadline != milestone.deadline:
        what = pgettext("key work", "deadline")
        changes.append(f"{what}：{milestone.deadline:%Y-%m-%d} → {deadline:%Y-%m-%d}")
        milestone.reminded_at = milestone.escalated_at = None
    if owner != milestone.owner:
        changes.append(
            f"{pgettext('key work', 'milestone owner')}："
            f"{milestone.owner or item.owner} → {owner or item.owner}"
        )
    if not changes:
        return milestone
    milestone.title, milestone.deadline, milestone.owner = title, deadline, owner
    milestone.save()
    _record(
        item,
        Action.EDIT_MILESTONE,
        user,
        item.status,
        at=now,
        milestone=milestone,
        note="；".join(changes),
    )
    _catch_up(item, now)
    return milestone


def _catch_up(item: Item, now) -> None:
    """A late item whose missed deadlines are all met is back on schedule."""
    today = timezone.localtime(now).date()
    if item.status != Status.LATE or rules.is_past(item.due_date, today):
        return
    if item.milestones.filter(done_at__isnull=True, deadline__lt=today).exists():
        return
    _transition(item, None, rules.Action.CATCH_UP, now)


def _reach(item: Item, milestone: Milestone, user, now) -> None:
    if milestone.item_id != item.pk:
        raise ValidationError(_("That milestone belongs to another item."))
    if milestone.is_done:
        raise ValidationError(_("This milestone is already reached."))
    milestone.done_at, milestone.done_by = now, user
    milestone.save(update_fields=["done_at", "done_by"])
    _record(item, Action.MILESTONE_DONE, user, item.status, at=now, milestone=milestone)
    _catch_up(item, now)


@transaction.atomic
def reach_milestone(item: Item, milestone: Milestone, user: User, *, now=None) -> Milestone:
    """A milestone is reached (the owner department or a supervisor says so)."""
    now = now or timezone.now()
    item = _locked(item)
    _may_report(user, item)
    if not item.is_open:
        raise ValidationError(_("The item is closed."))
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if item.status == Status.NOT_STARTED:
        _transition(item, user, rules.Action.START, now)
    _reach(item, milestone, user, now)
    return milestone


def _store_files(update: Update, files) -> None:
    for checked in check_uploads(files):
        attachment = Attachment(
            update=update,
            filename=(checked.file.name or "file")[-200:],
            content_type=checked.content_type,
            size=checked.file.size,
        )
        attachment.file.save(checked.file.name, checked.file, save=False)
        attachment.save()


@transaction.atomic
def post_update(
    item: Item, user: User, *, text: str, files=(), milestone: Milestone | None = None, now=None
) -> Update:
    """A progress update with its files (checked by content, all or none),
    optionally reaching a milestone; the first one starts the item."""
    now = now or timezone.now()
    item = _locked(item)
    _may_report(user, item)
    if not item.is_open:
        raise ValidationError(_("The item is closed: progress can no longer be reported."))
    text = required_text(text, _("progress"), TEXT_MAX)
    if milestone is not None and (milestone.item_id != item.pk or milestone.is_done):
        raise ValidationError(_("Choose an open milestone of this item."))
    update = Update.objects.create(item=item, author=user, at=now, text=text, milestone=milestone)
    _store_files(update, list(files))
    if item.status == Status.NOT_STARTED:
        _transition(item, user, rules.Action.START, now)
    _record(item, Action.UPDATE, user, item.status, at=now, note=text)
    if milestone is not None:
        _reach(item, Milestone.objects.select_for_update().get(pk=milestone.pk), user, now)
    return update


@transaction.atomic
def submit_material(item: Item, user: User, *, files, note: str = "", now=None) -> Update:
    """The material of a submission item (材料报送) is handed in: its files
    (at least one, checked by content) and the item is done; late if after
    its due date, which the history and the reports show."""
    now = now or timezone.now()
    item = _locked(item)
    _may_report(user, item)
    if not item.is_submission:
        raise ValidationError(_("Only a material submission takes submitted files."))
    if not item.is_open:
        raise ValidationError(_("The item is closed: nothing more can be submitted."))
    files = list(files)
    if not files:
        raise ValidationError(_("Choose the file to submit."))
    text = (note or "").strip()[:TEXT_MAX] or _("Material submitted.")
    update = Update.objects.create(item=item, author=user, at=now, text=text, is_submission=True)
    _store_files(update, files)
    _record(item, Action.SUBMIT, user, item.status, at=now, note=text)
    _transition(item, user, rules.Action.COMPLETE, now, completed_at=now, completion_note=text)
    return update


@transaction.atomic
def start(item: Item, user: User, *, now=None) -> Item:
    now = now or timezone.now()
    item = _locked(item)
    _may_edit(user, item)
    return _transition(item, user, rules.Action.START, now)


@transaction.atomic
def complete(item: Item, user: User, *, note: str = "", now=None) -> Item:
    """Done (→ 已完成). With milestones still open the note must say why
    they no longer matter; otherwise it is optional."""
    now = now or timezone.now()
    item = _locked(item)
    _may_edit(user, item)
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError(
            pgettext("key work", "The note is too long (at most %(n)d characters).")
            % {"n": TEXT_MAX}
        )
    open_count = item.milestones.filter(done_at__isnull=True).count()
    try:
        rules.check_completion(open_count, note)
    except rules.OpenMilestones:
        raise ValidationError(
            _(
                "%(n)d milestone(s) are still open: reach them first, or say why the item "
                "is done without them."
            )
            % {"n": open_count}
        ) from None
    return _transition(
        item, user, rules.Action.COMPLETE, now, note=note, completed_at=now, completion_note=note
    )


@transaction.atomic
def cancel(item: Item, user: User, *, reason: str, now=None) -> Item:
    """Cancelled (已取消) with the reason, e.g. the document was withdrawn."""
    now = now or timezone.now()
    reason = required_text(reason, _("reason for cancelling"), TEXT_MAX)
    item = _locked(item)
    _may_edit(user, item)
    return _transition(
        item, user, rules.Action.CANCEL, now, note=reason, cancelled_at=now, cancel_reason=reason
    )


@transaction.atomic
def reopen(item: Item, user: User, *, reason: str, now=None) -> Item:
    now = now or timezone.now()
    reason = required_text(reason, _("reason for reopening"), TEXT_MAX)
    item = _locked(item)
    _may_edit(user, item)
    item = _transition(item, user, rules.Action.REOPEN, now, note=reason, completed_at=None)
    _catch_up_or_late(item, now)
    return item


def _catch_up_or_late(item: Item, now) -> None:
    """A reopened item with a missed deadline is late at once."""
    today = timezone.localtime(now).date()
    missed = (
        rules.is_past(item.due_date, today)
        or item.milestones.filter(done_at__isnull=True, deadline__lt=today).exists()
    )
    if missed:
        _transition(item, None, rules.Action.MARK_LATE, now)


# --- The sweep ---------------------------------------------------------------


def remind_days() -> int:
    return getattr(settings, "KEYWORK_REMIND_WORKING_DAYS", rules.REMIND_WORKING_DAYS_BEFORE)


def owners(item: Item, milestone: Milestone | None = None) -> list[User]:
    """Who answers for an item (or one of its milestones): the milestone's
    own department's staff, else the item's department's, or else the
    supervisors of its county (of the prefecture for 州本级 items)."""
    if milestone is not None and milestone.owner_id:
        staff = list(User.objects.filter(department_id=milestone.owner_id, is_active=True))
        if staff:
            return staff
    if item.department_id:
        staff = list(User.objects.filter(department_id=item.department_id, is_active=True))
        if staff:
            return staff
    return list(people_to_notify.county_supervisors(item.region_id[:6])) or list(
        people_to_notify.prefecture_supervisors()
    )


def supervisors(item: Item) -> list[User]:
    """The supervisors of the owner county and of the prefecture, each once."""
    found = {}
    county = item.region_id[:6]
    codes = {county}
    if item.department_id:
        codes.add(item.department.region_id[:6])
    for code in sorted(codes):
        for user in people_to_notify.county_supervisors(code):
            found.setdefault(user.pk, user)
    for user in people_to_notify.prefecture_supervisors():
        found.setdefault(user.pk, user)
    return list(found.values())


def _notify(item: Item, message: str, now, recipients) -> None:
    notices.notify(
        recipients,
        message=" ".join(message.split()),
        kind=NoticeKind.KEY_WORK,
        link=reverse("keywork:detail", args=[item.pk]),
        at=now,
    )


def _deadlines_due(now, which: str, due, quiet: bool) -> int:
    """One pass over the open items' deadlines (their own and their open
    milestones') not yet marked by `which` (reminded_at / escalated_at):
    `due(deadline)` says whether to act. Each deadline is marked in the
    transaction that sends its notices; rows another sweep holds are skipped.
    Quiet (demo data): the history is recorded, nobody is told."""
    acted = 0
    open_items = Item.objects.filter(status__in=rules.OPEN_STATUSES)
    with transaction.atomic():
        items = (
            open_items.select_for_update(skip_locked=True, of=("self",))
            .filter(**{f"{which}__isnull": True})
            .select_related("region", "department__region")
            .order_by("due_date", "pk")
        )
        for item in items:
            if due(item.due_date):
                setattr(item, which, now)
                item.save(update_fields=[which])
                acted += _act(item, None, which, now, quiet)
        milestones = (
            Milestone.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(item__in=open_items, done_at__isnull=True, **{f"{which}__isnull": True})
            .select_related("item__region", "item__department__region")
            .order_by("deadline", "pk")
        )
        for milestone in milestones:
            if due(milestone.deadline):
                setattr(milestone, which, now)
                milestone.save(update_fields=[which])
                acted += _act(milestone.item, milestone, which, now, quiet)
    return acted


def _act(item: Item, milestone: Milestone | None, which: str, now, quiet: bool) -> int:
    what = milestone.title if milestone else _("completion")
    deadline = milestone.deadline if milestone else item.due_date
    values = {
        "number": item.number,
        "title": item.title,
        "owner": item.owner,
        "what": what,
        "deadline": deadline.strftime("%Y-%m-%d"),
    }
    if which == "reminded_at":
        message = (
            _("Key work %(number)s %(title)s (%(owner)s): “%(what)s” is due on %(deadline)s.")
            % values
        )
        _record(item, Action.REMIND, None, item.status, at=now, note=message, milestone=milestone)
        if not quiet:
            _notify(item, message, now, owners(item, milestone))
        return 1
    message = (
        _("Key work %(number)s %(title)s (%(owner)s) is late: “%(what)s” was due on %(deadline)s.")
        % values
    )
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.status in (Status.NOT_STARTED, Status.IN_PROGRESS):
        _transition(item, None, rules.Action.MARK_LATE, now)
    _record(item, Action.ESCALATE, None, item.status, at=now, note=message, milestone=milestone)
    if not quiet:
        _notify(item, message, now, supervisors(item))
    return 1


def send_reminders(now=None, *, quiet: bool = False) -> int:
    """Remind the owners of each deadline a few working days ahead, once."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    calendar, before = selectors.calendar(), remind_days()
    return _deadlines_due(
        now, "reminded_at", lambda day: rules.reminder_due(day, today, calendar, before), quiet
    )


def escalate_late(now=None, *, quiet: bool = False) -> int:
    """Tell the supervisors of each missed deadline on the first working
    day after it, once, and mark the item late."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    calendar = selectors.calendar()
    return _deadlines_due(
        now, "escalated_at", lambda day: rules.escalation_due(day, today, calendar), quiet
    )
