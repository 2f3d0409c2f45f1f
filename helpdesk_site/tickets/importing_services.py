"""Storing historical resolved tickets read by tickets.importing.

An imported ticket is what a ticket filed and resolved back then would be
today, with nobody told about it now:
- closed, not resolved: "resolved" waits for the reporter to confirm, and
  nobody will; open-looking tickets years old would crowd the dashboards;
- filed by its department's "历史导入" account (inactive, no password, no
  e-mail), so it is in that department's and region's scope like any other;
- its description as the opening follow-up at the created time, its
  resolution as the closing follow-up at the resolved time;
- SLA clocks started at the created time by the SLA engine, the resolution
  taken as the first response, both stopped at the resolved time, logged at
  those times; stopped clocks never escalate;
- no e-mail, outbox message or notification: the filing signal is not sent.
Rows are stored in batches, each batch one transaction, so a row is stored
whole or not at all; a row whose external reference is already on a ticket
is skipped.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk.models import FollowUp, Ticket
from simple_history.utils import bulk_create_with_history

from helpdesk_site.people.models import Department, Role, User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import signals
from helpdesk_site.tickets.importing import HistoricalTicket, RowError
from helpdesk_site.tickets.models import Category, Subsystem, TicketDetails
from kb.models import Corpus
from kb.term_statistics import refresh_term_statistics
from kb.ticket_text import add_ticket_texts
from sla import services as sla

BATCH = 200
DEFAULT_PRIORITY = 3
IMPORT_ACCOUNT_PREFIX = "history-import-"

FIELD_LABELS = {
    "external_ref": gettext_lazy("external reference"),
    "title": gettext_lazy("title"),
    "text": gettext_lazy("description"),
    "created_at": gettext_lazy("created at"),
    "resolution": gettext_lazy("resolution"),
    "resolved_at": gettext_lazy("resolved at"),
    "department": gettext_lazy("department"),
    "region": gettext_lazy("region"),
    "subsystem": gettext_lazy("subsystem"),
    "category": gettext_lazy("category"),
}

ROW_MESSAGES = {
    "bad_json": gettext_lazy("not a JSON line (%(reason)s)"),
    "not_object": gettext_lazy("not a JSON object"),
    "not_text": gettext_lazy("not text"),
    "control_character": gettext_lazy("contains a control character (%(character)s)"),
    "too_long": gettext_lazy("too long: %(length)s characters, at most %(limit)s"),
    "missing": gettext_lazy("missing"),
    "bad_time": gettext_lazy("not a date and time: “%(value)s”"),
    "in_future": gettext_lazy("in the future: “%(value)s”"),
    "resolved_before_created": gettext_lazy(
        "resolved (%(resolved)s) before it was created (%(created)s)"
    ),
    "duplicate_in_file": gettext_lazy("“%(value)s” already on row %(first_row)s of this file"),
    "unknown": gettext_lazy("no such %(what)s: “%(value)s”"),
    "ambiguous": gettext_lazy(
        "“%(value)s” names %(count)s %(what)s; give the code or the region as well"
    ),
    "outside_region": gettext_lazy("department “%(value)s” is not in region “%(region)s”"),
    "no_department_in_region": gettext_lazy(
        "region “%(region)s” has %(count)s departments; say which (column or --department)"
    ),
    "no_department": gettext_lazy(
        "no department: give one in the file or with --department / --region"
    ),
}

FILE_MESSAGES = {
    "unknown_format": gettext_lazy(
        "cannot tell the format from “%(suffix)s”: use .jsonl, .csv or .xlsx, or --format"
    ),
    "unknown_encoding": gettext_lazy("unknown encoding “%(encoding)s”"),
    "undecodable": gettext_lazy("the file is not text in %(encoding)s; try --encoding"),
    "missing_columns": gettext_lazy("the header lacks required columns: %(columns)s"),
    "empty": gettext_lazy("the file has no rows"),
    "not_jsonl": gettext_lazy("no line of the file is a JSON object: not a JSON Lines file"),
    "bad_csv": gettext_lazy("not a readable CSV file (%(reason)s)"),
    "bad_xlsx": gettext_lazy("not a readable .xlsx workbook (%(reason)s)"),
    "too_big": gettext_lazy("the file is too big (%(size)s bytes, at most %(limit)s)"),
    "unreadable": gettext_lazy("cannot read the file: %(reason)s"),
}


class ImportSetupError(Exception):
    """The command's options name something that does not exist."""


def describe_row_error(error: RowError) -> str:
    """The error as the operator reads it: row, field, reason."""
    details = dict(error.details)
    if "what" in details:
        details["what"] = FIELD_LABELS.get(details["what"], details["what"])
    reason = ROW_MESSAGES[error.code] % details
    if not error.field:
        return _("row %(row)s: %(reason)s") % {"row": error.row, "reason": reason}
    return _("row %(row)s, %(field)s: %(reason)s") % {
        "row": error.row,
        "field": FIELD_LABELS[error.field],
        "reason": reason,
    }


def describe_file_error(error) -> str:
    details = dict(error.details)
    if "columns" in details:
        details["columns"] = "、".join(str(FIELD_LABELS[c]) for c in details["columns"])
    return str(FILE_MESSAGES[error.code] % details)


# --- Where a row goes -----------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    department: Department
    subsystem: Subsystem
    category: str


class _Problem(Exception):
    def __init__(self, field: str, code: str, **details):
        super().__init__(code)
        self.field, self.code, self.details = field, code, details


class Directory:
    """Departments, regions, subsystems and categories, read once, found by
    code or name."""

    def __init__(self):
        self.departments = list(Department.objects.select_related("region"))
        self.regions = {r.code: r for r in Region.objects.all()}
        self.regions_by_name = defaultdict(list)
        for region in self.regions.values():
            self.regions_by_name[region.name].append(region)
        self.subsystems = list(Subsystem.objects.select_related("queue"))
        with translation.override("zh-hans"):
            self.categories = {
                **{value: value for value in Category.values},
                **{str(label): value for value, label in Category.choices},
            }
        with translation.override("en"):
            self.categories.update({str(label).lower(): v for v, label in Category.choices})

    def region(self, value: str, field: str = "region") -> Region:
        if value in self.regions:
            return self.regions[value]
        found = self.regions_by_name.get(value, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise _Problem(field, "ambiguous", value=value, count=len(found), what="region")
        raise _Problem(field, "unknown", value=value, what="region")

    def department(self, value: str, region: Region | None) -> Department:
        found = [d for d in self.departments if str(d.pk) == value or d.name == value]
        if region is not None:
            inside = [d for d in found if d.region_id.startswith(region.subtree_prefix)]
            if found and not inside:
                raise _Problem("department", "outside_region", value=value, region=region.name)
            found = inside
        if len(found) == 1:
            return found[0]
        if found:
            raise _Problem(
                "department", "ambiguous", value=value, count=len(found), what="department"
            )
        raise _Problem("department", "unknown", value=value, what="department")

    def department_at(self, region: Region) -> Department:
        here = [d for d in self.departments if d.region_id == region.code]
        if len(here) != 1:
            raise _Problem("region", "no_department_in_region", region=region.name, count=len(here))
        return here[0]

    def subsystem(self, value: str) -> Subsystem:
        found = [s for s in self.subsystems if value in (s.code, s.name)]
        if len(found) != 1:
            raise _Problem("subsystem", "unknown", value=value, what="subsystem")
        return found[0]

    def category(self, value: str) -> str:
        found = self.categories.get(value) or self.categories.get(value.lower())
        if found is None:
            raise _Problem("category", "unknown", value=value, what="category")
        return found


@dataclass(frozen=True)
class Defaults:
    """The command's options: what a row that does not say gets."""

    subsystem: str = "case_handling"
    category: str = Category.CONSULTATION
    department: str = ""
    region: str = ""
    priority: int = DEFAULT_PRIORITY


def check_defaults(directory: Directory, defaults: Defaults) -> None:
    """Refuse options that name nothing, before any row is read."""
    try:
        directory.subsystem(defaults.subsystem)
        directory.category(defaults.category)
        region = directory.region(defaults.region) if defaults.region else None
        if defaults.department:
            directory.department(defaults.department, region)
    except _Problem as problem:
        details = {**problem.details}
        if "what" in details:
            details["what"] = FIELD_LABELS[details["what"]]
        raise ImportSetupError(
            f"--{problem.field}: {ROW_MESSAGES[problem.code] % details}"
        ) from None


def place(directory: Directory, item: HistoricalTicket, defaults: Defaults) -> Placement:
    """The department, queue and category of a row; a row's own values win
    over the defaults. A region alone names its one department."""
    department_value = item.department or defaults.department
    region_value = item.region or ("" if item.department else defaults.region)
    region = directory.region(region_value) if region_value else None
    if department_value:
        department = directory.department(department_value, region)
    elif region is not None:
        department = directory.department_at(region)
    else:
        raise _Problem("department", "no_department")
    return Placement(
        department=department,
        subsystem=directory.subsystem(item.subsystem or defaults.subsystem),
        category=directory.category(item.category or defaults.category),
    )


# --- Planning and storing -------------------------------------------------------


@dataclass
class ImportResult:
    imported: list[int] = field(default_factory=list)  # ticket ids
    already_present: list[str] = field(default_factory=list)  # external references
    errors: list[RowError] = field(default_factory=list)
    planned: int = 0

    def summary(self) -> dict:
        return {
            "imported": len(self.imported),
            "already_present": len(self.already_present),
            "failed": len({e.row for e in self.errors}),
        }


@dataclass
class Plan:
    rows: list[tuple[HistoricalTicket, Placement]]
    result: ImportResult


def plan_import(
    tickets: list[HistoricalTicket], errors: list[RowError], defaults: Defaults
) -> Plan:
    """What an import would store: each good row with its place, rows already
    imported set aside, rows naming unknown places as errors. Writes nothing."""
    directory = Directory()
    check_defaults(directory, defaults)
    result = ImportResult(errors=list(errors))
    present = set(
        TicketDetails.objects.filter(
            external_ref__in=[t.external_ref for t in tickets]
        ).values_list("external_ref", flat=True)
    )
    rows = []
    for item in tickets:
        if item.external_ref in present:
            result.already_present.append(item.external_ref)
            continue
        try:
            rows.append((item, place(directory, item, defaults)))
        except _Problem as problem:
            result.errors.append(RowError(item.row, problem.field, problem.code, problem.details))
    result.errors.sort(key=lambda e: e.row)
    result.planned = len(rows)
    return Plan(rows=rows, result=result)


def historical_reporter(department: Department) -> User:
    """The department's inactive account that imported tickets are filed by."""
    user, _created = User.objects.get_or_create(
        username=f"{IMPORT_ACCOUNT_PREFIX}{department.pk}",
        defaults={
            "role": Role.REPORTER,
            "department": department,
            "last_name": _("Historical import"),
            "is_active": False,
            "password": make_password(None),  # unusable: nobody signs in as it
        },
    )
    return user


def _store_batch(rows: list[tuple[HistoricalTicket, Placement]], reporters, priority) -> list:
    tickets = [
        Ticket(
            title=item.title,
            queue=placement.subsystem.queue,
            submitter_email="",
            status=Ticket.CLOSED_STATUS,
            priority=priority,
            description=item.description,
            resolution=item.resolution,
        )
        for item, placement in rows
    ]
    Ticket.objects.bulk_create(tickets)
    for ticket, (item, _placement) in zip(tickets, rows, strict=True):
        ticket.created, ticket.modified = item.created_at, item.resolved_at
    # created/modified are auto_now fields, which bulk_create stamps with now.
    Ticket.objects.bulk_update(tickets, ["created", "modified"])
    Ticket.history.bulk_history_create(tickets)
    details = [
        TicketDetails(
            ticket=ticket,
            reporter=reporters[placement.department.pk],
            department=placement.department,
            region_id=placement.department.region_id,
            subsystem=placement.subsystem,
            category=placement.category,
            external_ref=item.external_ref,
        )
        for ticket, (item, placement) in zip(tickets, rows, strict=True)
    ]
    bulk_create_with_history(details, TicketDetails)
    opened, resolution = _("Ticket opened"), _("Resolution (imported)")
    followups = []
    for ticket, detail, (item, _placement) in zip(tickets, details, rows, strict=True):
        followups += [
            FollowUp(
                ticket=ticket,
                title=opened,
                comment=item.description,
                public=True,
                user=detail.reporter,
                date=item.created_at,
            ),
            FollowUp(
                ticket=ticket,
                title=resolution,
                comment=item.resolution,
                public=True,
                user=None,
                date=item.resolved_at,
                new_status=Ticket.CLOSED_STATUS,
            ),
        ]
    # In bulk, not one by one: FollowUp.save would stamp the ticket as modified now.
    bulk_create_with_history(followups, FollowUp)
    add_ticket_texts(tickets)  # bulk_create sends no post_save for kb's receiver
    sla.start_clocks_resolved(
        [
            (ticket, detail, item.resolved_at)
            for ticket, detail, (item, _placement) in zip(tickets, details, rows, strict=True)
        ]
    )
    signals.tickets_stored_in_bulk.send(Ticket, ticket_ids=[ticket.pk for ticket in tickets])
    return tickets


def run_import(
    plan: Plan, *, priority: int = DEFAULT_PRIORITY, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Store the planned rows, a batch per transaction, so each row is whole."""
    result = plan.result
    reporters = {}
    for start in range(0, len(plan.rows), BATCH):
        batch = plan.rows[start : start + BATCH]
        try:
            tickets = _store_and_attribute(batch, reporters, priority)
        except IntegrityError:
            # Some rows were imported by someone else since the plan was made.
            present = set(
                TicketDetails.objects.filter(
                    external_ref__in=[item.external_ref for item, _placement in batch]
                ).values_list("external_ref", flat=True)
            )
            result.already_present += sorted(present)
            reporters.clear()  # an account made in the rolled-back batch is gone too
            batch = [row for row in batch if row[0].external_ref not in present]
            tickets = _store_and_attribute(batch, reporters, priority)
        result.imported += [t.pk for t in tickets]
        if progress:
            progress(start + len(plan.rows[start : start + BATCH]))
    if result.imported:
        refresh_term_statistics(Corpus.TICKET)
    return result


@transaction.atomic
def _store_and_attribute(batch, reporters, priority) -> list:
    for _item, placement in batch:
        department = placement.department
        if department.pk not in reporters:
            reporters[department.pk] = historical_reporter(department)
    return _store_batch(batch, reporters, priority)


def import_tickets(
    tickets: list[HistoricalTicket],
    errors: list[RowError],
    defaults: Defaults | None = None,
    *,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the checked rows of an export (导入历史工单). Rows with errors are
    reported and left out; with `all_or_nothing`, any error leaves out every
    row; with `dry_run`, nothing is stored."""
    defaults = defaults or Defaults()
    plan = plan_import(tickets, errors, defaults)
    if dry_run or (all_or_nothing and plan.result.errors):
        return plan.result
    return run_import(plan, priority=defaults.priority, progress=progress)
