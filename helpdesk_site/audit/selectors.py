"""A ticket's change history as people read it: who, when, what, before and
after, from the audit trail's copies (simple-history) and the withdrawals."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from helpdesk_site.audit.models import Withdrawal
from helpdesk_site.audit.receivers import BASELINE
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import TicketDetails
from sla.models import SlaClock

# Fields whose own names are not fit for people, and the SLA clock's
# scheduling columns, which only the sweep reads.
LABELS = {
    (SlaClock, "category"): gettext_lazy("category"),
    (SlaClock, "priority"): gettext_lazy("priority"),
    (SlaClock, "policy"): gettext_lazy("SLA policy"),
    (SlaClock, "around_the_clock"): gettext_lazy("around the clock (24×7)"),
    (SlaClock, "calendar"): gettext_lazy("calendar"),
    (SlaClock, "cycle"): gettext_lazy("cycle"),
    (SlaClock, "started_at"): gettext_lazy("started"),
    (SlaClock, "running_since"): gettext_lazy("running since"),
    (SlaClock, "consumed_seconds"): gettext_lazy("working time used (seconds)"),
    (SlaClock, "paused_reason"): gettext_lazy("pause reason"),
    (SlaClock, "due_at"): gettext_lazy("due"),
    (SlaClock, "breached_at"): gettext_lazy("breached"),
    (SlaClock, "stopped_at"): gettext_lazy("stopped"),
    (FollowUp, "time_spent"): gettext_lazy("time spent"),
}
HIDDEN = {
    (SlaClock, "at_risk_at"),
    (SlaClock, "next_escalation_at"),
    (FollowUp, "message_id"),
    (FollowUp, "email_recipients"),
}
# What a deletion shows of the row it removed.
SHOWN_WHEN_DELETED = {FollowUp: ["title", "comment"], FollowUpAttachment: ["filename"]}
ACTIONS = {
    "+": pgettext_lazy("audit action", "created"),
    "~": pgettext_lazy("audit action", "changed"),
    "-": pgettext_lazy("audit action", "deleted"),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: dt.datetime
    who: str
    subject: str
    action: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


def _who(user) -> str:
    return user.display_name() if user is not None else _("System")


def _fields(model) -> list[models.Field]:
    tracked = {f.attname for f in model.history.model.tracked_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname in tracked and (model, f.name) not in HIDDEN and not f.primary_key
    ]


def _label(model, f) -> str:
    return str(capfirst(LABELS.get((model, f.name), f.verbose_name)))


class _Related:
    """str() of the objects that foreign keys in the copies point at, read
    in one query per model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.names = {}

    def load(self):
        for model, ids in self.wanted.items():
            for obj in model._base_manager.filter(pk__in=ids):
                name = obj.display_name() if hasattr(obj, "display_name") else str(obj)
                self.names[(model, obj.pk)] = name

    def want(self, f, value):
        # Another ticket is named by its number only: its title may be out of
        # the reader's scope.
        if f.is_relation and value is not None and f.related_model is not Ticket:
            self.wanted[f.related_model].add(value)

    def name(self, f, value) -> str:
        return self.names.get((f.related_model, value), f"#{value}")


def _show(f, value, related: _Related) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return related.name(f, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(f, models.DateTimeField):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(f, models.FloatField):
        return f"{value:.0f}"
    return str(value)


def _subject(model, record) -> str:
    if model is Ticket:
        return _("Ticket")
    if model is TicketDetails:
        return _("Ticket details")
    if model is FollowUp:
        return _("Follow-up #%(id)s «%(title)s»") % {"id": record.id, "title": record.title}
    if model is FollowUpAttachment:
        return _("Attachment «%(name)s»") % {"name": record.filename}
    return _("SLA clock: %(kind)s") % {
        "kind": dict(SlaClock._meta.get_field("kind").flatchoices)[record.kind]
    }


def _records(ticket, user) -> list[tuple[type, list]]:
    followups = FollowUp.history.filter(ticket_id=ticket.pk)
    followup_ids = set(followups.values_list("id", flat=True))
    if not scope.works_tickets(user):
        # Internal notes, and their files, stay with the staff (as on the thread).
        followup_ids -= set(followups.filter(public=False).values_list("id", flat=True))
    sources = [
        (Ticket, Ticket.history.filter(id=ticket.pk)),
        (TicketDetails, TicketDetails.history.filter(ticket_id=ticket.pk)),
        (FollowUp, FollowUp.history.filter(id__in=followup_ids)),
        (FollowUpAttachment, FollowUpAttachment.history.filter(followup_id__in=followup_ids)),
        (SlaClock, SlaClock.history.filter(ticket_id=ticket.pk)),
    ]
    return [
        (model, list(records.select_related("history_user").order_by("history_date", "history_id")))
        for model, records in sources
    ]


def _changes(model, fields, before, record) -> list[tuple]:
    """(field, old value, new value) for what a record shows; None when a
    save changed nothing worth showing (or its "before" is unknown)."""
    if record.history_type == "+":
        return []
    if record.history_type == "-":
        shown = SHOWN_WHEN_DELETED.get(model, [])
        return [(f, getattr(record, f.attname), None) for f in fields if f.name in shown]
    if before is None:
        return None
    values = [(f, getattr(before, f.attname), getattr(record, f.attname)) for f in fields]
    return [change for change in values if change[1] != change[2]] or None


def ticket_history(ticket, user) -> list[Entry]:
    """Every recorded change to the ticket and what hangs off it, newest
    first. A save that changed nothing shown here is left out."""
    related = _Related()
    pending = []
    for model, records in _records(ticket, user):
        fields = _fields(model)
        previous = {}
        for record in records:
            key = getattr(record, model._meta.pk.attname)
            before = previous.get(key)
            previous[key] = record
            if record.history_change_reason == BASELINE:
                continue
            changes = _changes(model, fields, before, record)
            if changes is None:
                continue
            for f, old, new in changes:
                related.want(f, old)
                related.want(f, new)
            pending.append((model, record, changes))
    related.load()

    entries = [
        Entry(
            at=record.history_date,
            who=_who(record.history_user),
            subject=_subject(model, record),
            action=str(ACTIONS[record.history_type]),
            changes=[
                Change(_label(model, f), _show(f, old, related), _show(f, new, related))
                for f, old, new in changes
            ],
        )
        for model, record, changes in pending
    ]
    for withdrawal in Withdrawal.objects.filter(ticket=ticket).select_related(
        "withdrawn_by", "restored_by"
    ):
        entries.append(
            Entry(
                at=withdrawal.withdrawn_at,
                who=_who(withdrawal.withdrawn_by),
                subject=_("Ticket"),
                action=pgettext("audit action", "withdrawn"),
                reason=withdrawal.reason,
            )
        )
        if withdrawal.restored_at is not None:
            entries.append(
                Entry(
                    at=withdrawal.restored_at,
                    who=_who(withdrawal.restored_by),
                    subject=_("Ticket"),
                    action=pgettext("audit action", "restored"),
                    reason=withdrawal.restore_reason,
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


@dataclass
class Edit:
    who: str
    at: dt.datetime


def followup_edits(followup_ids) -> dict[int, Edit]:
    """The last edit of each follow-up whose words (title or text) were
    changed after it was written, by whom and when."""
    edits = {}
    previous = {}
    records = (
        FollowUp.history.filter(id__in=list(followup_ids))
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .only("id", "title", "comment", "history_type", "history_date", "history_user")
    )
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if before is None or record.history_type != "~":
            continue
        if (before.title, before.comment) != (record.title, record.comment):
            edits[record.id] = Edit(_who(record.history_user), record.history_date)
    return edits
