"""Every change to the indicator tree, the figures and the findings goes
through a function here. Imports are all or nothing, and each one (a file
or a hand entry) leaves an append-only record of who did it and when."""

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.texts import required_text
from helpdesk_site.tickets import scope as ticket_scope
from helpdesk_site.tickets.uploads import check_upload
from indicators import periods, selectors, sheet
from indicators.models import Finding, FindingStatus, ImportRecord, Indicator, Score, Source

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_MAX = 4000


class ImportRefused(ValidationError):
    """The sheet has errors: nothing was imported. `messages` names each
    row and column."""


def _configurer(user) -> None:
    if not ticket_scope.may_configure_indicators(user):
        raise PermissionDenied(
            _("Only an administrator or the prefecture's supervisor may do this.")
        )


# --- The tree ---------------------------------------------------------------------


@transaction.atomic
def save_indicator(user, indicator: Indicator) -> Indicator:
    """Add or change one indicator. Two levels only: a parent is a level-one
    indicator of the same year; a level-one indicator the province has
    already scored cannot take children (its scores would be lost)."""
    _configurer(user)
    parent = indicator.parent
    if parent is not None:
        if parent.pk == indicator.pk or parent.parent_id is not None:
            raise ValidationError(_("The parent must be a level-one indicator."))
        if parent.year != indicator.year:
            raise ValidationError(_("The parent must be an indicator of the same year."))
        if indicator.pk and indicator.children.exists():
            raise ValidationError(
                _("This indicator has level-two indicators under it: it must stay level one.")
            )
        if parent.scores.exists():
            raise ValidationError(
                _("%(name)s already has scores of its own: it cannot take level-two indicators.")
                % {"name": parent.name}
            )
    clash = Indicator.objects.filter(year=indicator.year).exclude(pk=indicator.pk)
    if clash.filter(code=indicator.code).exists():
        raise ValidationError(_("Another indicator of this year has this code."))
    if clash.filter(name=indicator.name).exists():
        raise ValidationError(_("Another indicator of this year has this name."))
    if indicator.pk:
        before = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if before.year != indicator.year and before.scores.exists():
            raise ValidationError(_("An indicator with scores cannot move to another year."))
    indicator.save()
    return indicator


@transaction.atomic
def delete_indicator(user, indicator: Indicator) -> None:
    _configurer(user)
    if indicator.children.exists():
        raise ValidationError(_("Remove its level-two indicators first."))
    if indicator.scores.exists() or indicator.findings.exists():
        raise ValidationError(
            _("This indicator has scores or findings: it stays, so that they keep their meaning.")
        )
    indicator.delete()


@transaction.atomic
def copy_tree(user, from_year: int, to_year: int) -> int:
    """Last year's tree as this year's starting point: every indicator with
    its weight, full marks, target and subsystem. Refused when the new year
    already has a tree."""
    _configurer(user)
    if Indicator.objects.filter(year=to_year).exists():
        raise ValidationError(
            _("%(year)d already has indicators: edit them instead.") % {"year": to_year}
        )
    source = list(selectors.indicators_of(from_year).order_by("parent_id", "order", "code"))
    if not source:
        raise ValidationError(_("%(year)d has no indicators to copy.") % {"year": from_year})
    copies = {}
    for old in sorted(source, key=lambda i: i.parent_id is not None):
        copies[old.pk] = Indicator.objects.create(
            year=to_year,
            code=old.code,
            name=old.name,
            parent=copies[old.parent_id] if old.parent_id else None,
            weight=old.weight,
            full_marks=old.full_marks,
            target=old.target,
            subsystem=old.subsystem,
            order=old.order,
        )
    return len(copies)


# --- Figures ----------------------------------------------------------------------


def _row_message(error: sheet.RowError) -> str:
    d = error.details
    texts = {
        "missing_column": _("The sheet has no column for the indicator “%(name)s”."),
        "unknown_county": _("“%(value)s” is not one of the prefecture's counties."),
        "duplicate_county": _("%(value)s appears a second time (first in row %(first)s)."),
        "no_county": _("The county is missing."),
        "empty": _("The score is empty."),
        "not_a_number": _("“%(value)s” is not a number."),
        "out_of_range": _("%(value)s is out of range (0 to %(high)s)."),
        "missing_counties": _("The sheet has no row for: %(names)s."),
    }
    text = texts[error.code] % {**d, "high": f"{d.get('high', 0):g}"}
    if error.code == "missing_column":
        return _("Header (row %(row)d): %(text)s") % {"row": error.row, "text": text}
    if not error.row:
        return text
    if error.column:
        return _("Row %(row)d, column %(column)s (%(header)s): %(text)s") % {
            "row": error.row,
            "column": error.column,
            "header": error.header,
            "text": text,
        }
    return _("Row %(row)d: %(text)s") % {"row": error.row, "text": text}


def _file_message(error: sheet.SheetError) -> str:
    if error.code == "no_header":
        return _("No header row with a “县（市）” column was found: use the template of this page.")
    if error.code == "too_many_rows":
        return _("The sheet has more than %(n)d rows: it is not the province's score sheet.") % {
            "n": error.details["limit"]
        }
    return _("The file cannot be read as an Excel workbook.")


def _check_period(period: periods.Period, now) -> None:
    if period.start > timezone.localtime(now).date():
        raise ValidationError(_("This period has not begun: it can have no figures yet."))
    if not Indicator.objects.filter(year=period.year).exists():
        raise ValidationError(
            _("%(year)d has no indicator tree yet: set it up (or copy last year's) first.")
            % {"year": period.year}
        )


def _lock_tree(year: int) -> dict[str, Indicator]:
    """The year's indicators, locked: imports and hand entries of one year
    take turns, so two at once cannot both find a period empty and collide."""
    return {i.code: i for i in Indicator.objects.select_for_update().filter(year=year)}


def import_sheet(user, period: periods.Period, uploaded, now=None) -> ImportRecord:
    """Replace the period's figures by those of the province's sheet. The
    file is checked by content; every row is checked before anything is
    stored, and one bad cell imports nothing (the period keeps what it had)."""
    now = now or timezone.now()
    _configurer(user)
    _check_period(period, now)
    checked = check_upload(uploaded)
    if checked.content_type != XLSX:
        raise ValidationError(
            _("%(name)s is not an Excel workbook (.xlsx).") % {"name": uploaded.name}
        )
    uploaded.seek(0)
    data = uploaded.read()
    tree = selectors.tree(period.year)
    counties = selectors.counties()
    try:
        parsed = sheet.parse(data, tree, counties)
    except sheet.SheetError as error:
        raise ImportRefused(_file_message(error)) from None
    if parsed.errors:
        raise ImportRefused([_row_message(e) for e in parsed.errors])
    with transaction.atomic():
        indicators = _lock_tree(period.year)
        existing = Score.objects.filter(period_kind=period.kind, period_start=period.start)
        replaced = existing.count()
        existing.delete()
        Score.objects.bulk_create(
            Score(
                indicator=indicators[key],
                county_id=code,
                period_kind=period.kind,
                period_start=period.start,
                value=value,
                entered_by=user,
                entered_at=now,
            )
            for code, values in parsed.values.items()
            for key, value in values.items()
        )
        return ImportRecord.objects.create(
            period_kind=period.kind,
            period_start=period.start,
            source=Source.FILE,
            file_name=(uploaded.name or "")[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            counties=len(parsed.values),
            scores=sum(len(v) for v in parsed.values.values()),
            replaced=replaced,
            by=user,
            at=now,
        )


def enter_by_hand(user, county, period: periods.Period, values: dict, now=None) -> ImportRecord:
    """Replace one county's figures of the period by those typed in a form."""
    now = now or timezone.now()
    if not ticket_scope.may_edit_indicator_region(user, county):
        raise PermissionDenied(_("You may only enter the figures of counties in your region."))
    _check_period(period, now)
    leaves = selectors.leaf_indicators(period.year)
    errors = []
    for indicator in leaves:
        value = values.get(indicator.code)
        if value is None:
            errors.append(_("%(name)s: the score is empty.") % {"name": indicator.name})
        elif not (0 <= Decimal(value) <= indicator.full_marks):
            errors.append(
                _("%(name)s: %(value)s is out of range (0 to %(high)s).")
                % {
                    "name": indicator.name,
                    "value": value,
                    "high": f"{indicator.full_marks.normalize():f}",
                }
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_tree(period.year)
        existing = Score.objects.filter(
            county=county, period_kind=period.kind, period_start=period.start
        )
        replaced = existing.count()
        existing.delete()
        Score.objects.bulk_create(
            Score(
                indicator=i,
                county=county,
                period_kind=period.kind,
                period_start=period.start,
                value=Decimal(values[i.code]).quantize(Decimal("0.01")),
                entered_by=user,
                entered_at=now,
            )
            for i in leaves
        )
        return ImportRecord.objects.create(
            period_kind=period.kind,
            period_start=period.start,
            source=Source.HAND,
            county=county,
            counties=1,
            scores=len(leaves),
            replaced=replaced,
            by=user,
            at=now,
        )


# --- Findings ---------------------------------------------------------------------


def _may_edit(user, region) -> None:
    if not ticket_scope.may_edit_indicator_region(user, region):
        raise PermissionDenied(_("You may only write findings about your own region."))


def draft_finding(
    user, region, period: periods.Period, *, title, problem, approach, indicator=None, now=None
) -> Finding:
    now = now or timezone.now()
    _may_edit(user, region)
    if indicator is not None and indicator.year != period.year:
        raise ValidationError(_("The indicator is not one of this period's year."))
    return Finding.objects.create(
        region=region,
        period_kind=period.kind,
        period_start=period.start,
        indicator=indicator,
        title=required_text(title, _("title"), 120),
        problem=required_text(problem, _("problem"), TEXT_MAX),
        approach=required_text(approach, _("approach"), TEXT_MAX),
        created_by=user,
        created_at=now,
        updated_by=user,
        updated_at=now,
    )


def _draft_for_update(user, finding: Finding) -> Finding:
    locked = (
        Finding.objects.select_for_update(of=("self",)).select_related("region").get(pk=finding.pk)
    )
    _may_edit(user, locked.region)
    if locked.signed:
        raise ValidationError(_("A signed-off finding can no longer be changed."))
    return locked


@transaction.atomic
def edit_finding(user, finding: Finding, *, title, problem, approach, now=None) -> Finding:
    locked = _draft_for_update(user, finding)
    locked.title = required_text(title, _("title"), 120)
    locked.problem = required_text(problem, _("problem"), TEXT_MAX)
    locked.approach = required_text(approach, _("approach"), TEXT_MAX)
    locked.updated_by = user
    locked.updated_at = now or timezone.now()
    locked.save()
    return locked


@transaction.atomic
def sign_finding(user, finding: Finding, now=None) -> Finding:
    """A supervisor signs the finding off: from then on it is read-only."""
    locked = _draft_for_update(user, finding)
    if not ticket_scope.may_sign_findings(user, locked.region):
        raise PermissionDenied(_("Only a supervisor of this region may sign off its findings."))
    locked.status = FindingStatus.SIGNED
    locked.signed_by = user
    locked.signed_at = now or timezone.now()
    locked.save()
    return locked


@transaction.atomic
def rectify(user, finding: Finding, *, department, measures, working_days, now=None):
    """A signed finding entered in the rectification ledger (整改台账), once."""
    from rectification import services as ledger

    locked = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("region", "indicator")
        .get(pk=finding.pk)
    )
    _may_edit(user, locked.region)
    if not locked.signed:
        raise ValidationError(_("Sign the finding off before entering it in the ledger."))
    if locked.rectification_item_id:
        raise ValidationError(_("This finding is already in the rectification ledger."))
    period = periods.of(locked.period_kind, locked.period_start)
    item = ledger.create_from_finding(
        user,
        region=locked.region,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        period_title=period.title,
        key=f"finding-{locked.pk}",
        name=locked.title,
        finding=f"{locked.problem}\n解决思路：{locked.approach}",
        evidence={
            "finding": locked.pk,
            "indicator": locked.indicator.name if locked.indicator_id else "",
            "link": reverse("indicators:finding", args=[locked.pk]),
        },
        department=department,
        measures=measures,
        working_days=working_days,
        now=now,
    )
    locked.rectification_item = item
    locked.save(update_fields=["rectification_item"])
    return item
