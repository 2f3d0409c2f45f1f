from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope as ticket_scope
from helpdesk_site.tickets.models import Subsystem
from indicators import analysis, periods, selectors, services, sheet
from indicators.forms import (
    CopyTreeForm,
    FindingForm,
    HandEntryForm,
    ImportForm,
    IndicatorForm,
    RectifyForm,
    period_choices,
)
from indicators.models import FindingStatus, Indicator
from reporting import svgcharts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(user) -> None:
    """Supervisors and administrators; for anyone else there is nothing here."""
    if not ticket_scope.sees_indicators(user):
        raise Http404


def _configurer(user) -> None:
    _reader(user)
    if not ticket_scope.may_configure_indicators(user):
        raise PermissionDenied(
            _("Only an administrator or the prefecture's supervisor may do this.")
        )


def _bad(request, message, status=400):
    return render(request, "indicators/bad_request.html", {"message": message}, status=status)


def _period(request, default=None):
    """The period named by ?period=, or the latest with figures; None and a
    400 page for a malformed one."""
    slug = request.GET.get("period", "")
    if not slug:
        return (
            default
            or selectors.latest_period()
            or periods.containing(periods.Kind.MONTH, timezone.localdate()).previous()
        )
    return periods.parse(slug)


def _period_links(current: periods.Period) -> list[dict]:
    found = selectors.periods_with_figures()
    if current not in found:
        found = sorted([*found, current], key=lambda p: (p.start, p.kind), reverse=True)
    return [{"period": p, "current": p == current} for p in found]


def _score(value) -> str:
    return "—" if value is None else f"{value:.2f}"


@login_required
def overview(request):
    _reader(request.user)
    visible = selectors.visible_counties(request.user)
    if len(visible) == 1 and not ticket_scope.may_configure_indicators(request.user):
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(reverse("indicators:county", args=[next(iter(visible))]) + query)
    try:
        period = _period(request)
    except ValueError:
        return _bad(request, _("Unknown period."))
    standing = selectors.standing(period)
    tree = standing.tree
    roots = tree.roots
    count = len(standing.rows)
    rows = []
    for row in standing.rows:
        if row.code not in visible:
            continue
        cells = []
        for key in [analysis.TOTAL, *(r.key for r in roots)]:
            value = row.scores.get(key)
            cells.append(
                {
                    "value": _score(value),
                    "rank": row.ranks.get(key),
                    "heat": analysis.heat(
                        row.ranks.get(key), count, value, standing.means.get(key)
                    ),
                }
            )
        weak = analysis.weakest(tree, row, standing.means, limit=2)
        rows.append({"row": row, "cells": cells, "weak": weak})
    falls = standing.falls(limit=10, codes=set(visible))
    return render(
        request,
        "indicators/overview.html",
        {
            "period": period,
            "periods": _period_links(period),
            "roots": roots,
            "rows": rows,
            "means": [
                _score(standing.means.get(k)) for k in [analysis.TOTAL, *(r.key for r in roots)]
            ],
            "targets": analysis.against_targets(tree, standing.means),
            "falls": falls,
            "previous": period.previous(),
            "has_tree": bool(tree.nodes),
            "may_configure": ticket_scope.may_configure_indicators(request.user),
            "findings": selectors.findings_for(request.user).filter(
                period_kind=period.kind, period_start=period.start
            ),
            "prefecture": Region.objects.filter(
                ticket_scope.indicator_regions_q(request.user), code=selectors.PREFECTURE
            ).first(),
        },
    )


@login_required
def county(request, code):
    _reader(request.user)
    region = selectors.county_or_404(request.user, code)
    try:
        period = _period(request)
    except ValueError:
        return _bad(request, _("Unknown period."))
    standing = selectors.standing(period)
    tree = standing.tree
    row = standing.row(code)
    weak = analysis.weakest(tree, row, standing.means) if row else []
    trend = selectors.county_trend(code, period)
    points = analysis.trend((p.short_title, scores.get(analysis.TOTAL)) for p, scores in trend)
    chart = svgcharts.columns(
        [svgcharts.Point(p.label, round(p.value or 0, 2), "") for p in points], height=140
    )
    levels = []
    for root in tree.roots:
        children = tree.children(root.key)
        levels.append(
            {
                "node": root,
                "value": _score(row.scores.get(root.key)) if row else "—",
                "rank": row.ranks.get(root.key) if row else None,
                "mean": _score(standing.means.get(root.key)),
                "children": [
                    {
                        "node": c,
                        "value": _score(row.scores.get(c.key)) if row else "—",
                        "rank": row.ranks.get(c.key) if row else None,
                        "mean": _score(standing.means.get(c.key)),
                    }
                    for c in children
                ],
            }
        )
    evidence = selectors.evidence_for(request.user, code, weak, period)
    by_subsystem = {e["evidence"].weak.key: e for e in evidence}
    subsystem_names = dict(Subsystem.objects.values_list("code", "name"))
    indicators = {i.code: i for i in selectors.indicators_of(period.year)}
    proposals = [
        {
            "weak": w,
            "evidence": by_subsystem.get(w.key),
            "indicator": indicators.get(w.key),
            "proposal": analysis.propose(
                region.name,
                period.title,
                w,
                by_subsystem[w.key]["evidence"] if w.key in by_subsystem else None,
                subsystem_names.get(w.subsystem, ""),
            ),
        }
        for w in weak
    ]
    return render(
        request,
        "indicators/county.html",
        {
            "county": region,
            "period": period,
            "periods": _period_links(period),
            "row": row,
            "counties": len(standing.rows),
            "total": _score(row.scores.get(analysis.TOTAL)) if row else "—",
            "levels": levels,
            "weak": proposals,
            "points": points,
            "chart": chart,
            "falls": standing.falls(limit=5, codes={code}),
            "findings": selectors.findings_for(request.user).filter(region=region),
            "may_edit": ticket_scope.may_edit_indicator_region(request.user, region),
            "may_configure": ticket_scope.may_configure_indicators(request.user),
        },
    )


# --- The tree ---------------------------------------------------------------------


@login_required
def tree(request):
    _configurer(request.user)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return _bad(request, _("Unknown year."))
    if not 2000 <= year <= 2100:
        return _bad(request, _("Unknown year."))
    indicators = list(selectors.indicators_of(year).prefetch_related("children"))
    roots = [i for i in indicators if i.parent_id is None]
    warnings = []
    total = sum(r.weight for r in roots)
    if roots and total != 100:
        warnings.append(
            _("The level-one weights add up to %(sum)s, not 100.")
            % {"sum": f"{total.normalize():f}"}
        )
    for root in roots:
        children = [i for i in indicators if i.parent_id == root.pk]
        weights = sum(c.weight for c in children)
        if children and weights != 100:
            warnings.append(
                _("The weights under %(name)s add up to %(sum)s, not 100.")
                % {"name": root.name, "sum": f"{weights.normalize():f}"}
            )
    return render(
        request,
        "indicators/tree.html",
        {
            "year": year,
            "roots": [
                {"node": r, "children": [i for i in indicators if i.parent_id == r.pk]}
                for r in roots
            ],
            "years": sorted({*selectors.tree_years(), year}, reverse=True),
            "warnings": warnings,
            "copy_form": CopyTreeForm(initial={"from_year": year - 1, "to_year": year}),
        },
    )


def _indicator_form(request, year, instance=None):
    form = IndicatorForm(request.POST or None, instance=instance, year=year)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_indicator(request.user, form.instance)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Indicator saved."))
                return redirect(f"{reverse('indicators:tree')}?year={year}")
        status = 400
    return render(
        request,
        "indicators/indicator_form.html",
        {"form": form, "year": year, "indicator": instance},
        status=status,
    )


@login_required
def indicator_new(request, year):
    _configurer(request.user)
    if not 2000 <= year <= 2100:
        return _bad(request, _("Unknown year."))
    return _indicator_form(request, year)


@login_required
def indicator_edit(request, pk):
    _configurer(request.user)
    indicator = get_object_or_404(Indicator, pk=pk)
    return _indicator_form(request, indicator.year, indicator)


@login_required
@require_POST
def indicator_delete(request, pk):
    _configurer(request.user)
    indicator = get_object_or_404(Indicator, pk=pk)
    try:
        services.delete_indicator(request.user, indicator)
    except ValidationError as error:
        return _bad(request, "；".join(error.messages))
    messages.success(request, _("Indicator removed."))
    return redirect(f"{reverse('indicators:tree')}?year={indicator.year}")


@login_required
@require_POST
def tree_copy(request):
    _configurer(request.user)
    form = CopyTreeForm(request.POST)
    if not form.is_valid():
        return _bad(request, _("Choose two years between 2000 and 2100."))
    data = form.cleaned_data
    try:
        n = services.copy_tree(request.user, data["from_year"], data["to_year"])
    except ValidationError as error:
        return _bad(request, "；".join(error.messages))
    messages.success(
        request,
        _("%(n)d indicators copied from %(from)d to %(to)d.")
        % {"n": n, "from": data["from_year"], "to": data["to_year"]},
    )
    return redirect(f"{reverse('indicators:tree')}?year={data['to_year']}")


# --- Figures ----------------------------------------------------------------------


@login_required
def import_sheet(request):
    _configurer(request.user)
    today = timezone.localdate()
    form = ImportForm(request.POST or None, request.FILES or None, today=today)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = services.import_sheet(
                    request.user, form.cleaned_data["period"], form.cleaned_data["file"]
                )
            except services.ImportRefused as refusal:
                errors = refusal.messages
            except ValidationError as error:
                form.add_error("file", error)
            else:
                period = periods.of(record.period_kind, record.period_start)
                messages.success(
                    request,
                    _(
                        "%(period)s imported: %(counties)d counties, %(scores)d scores "
                        "(%(replaced)d replaced)."
                    )
                    % {
                        "period": period.title,
                        "counties": record.counties,
                        "scores": record.scores,
                        "replaced": record.replaced,
                    },
                )
                return redirect(f"{reverse('indicators:index')}?period={period.slug}")
        status = 400
    default = periods.containing(periods.Kind.MONTH, today).previous()
    return render(
        request,
        "indicators/import.html",
        {
            "form": form,
            "errors": errors,
            "log": selectors.import_log(),
            "default_period": default,
            "choices": period_choices(today),
        },
        status=status,
    )


def _workbook(request, with_figures: bool):
    _configurer(request.user)
    try:
        period = periods.parse(request.GET.get("period", ""))
    except ValueError:
        return _bad(request, _("Unknown period."))
    tree_ = selectors.tree(period.year)
    if not tree_.nodes:
        return _bad(
            request,
            _("%(year)d has no indicator tree yet: set it up (or copy last year's) first.")
            % {"year": period.year},
        )
    counties = selectors.counties()
    figures = sheet.sample_figures(tree_, counties) if with_figures else None
    note = "注：示例数据，纯属虚构，仅用于演示导入格式。" if with_figures else ""
    content = sheet.build(tree_, counties, period.title, figures, note)
    name = f"{'sample' if with_figures else 'template'}-{period.slug}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def template_download(request):
    return _workbook(request, with_figures=False)


@login_required
def sample_download(request):
    return _workbook(request, with_figures=True)


@login_required
def enter(request, code):
    _reader(request.user)
    region = selectors.county_or_404(request.user, code)
    if not ticket_scope.may_edit_indicator_region(request.user, region):
        raise PermissionDenied
    try:
        period = _period(request)
    except ValueError:
        return _bad(request, _("Unknown period."))
    leaves = selectors.leaf_indicators(period.year)
    if not leaves:
        return _bad(
            request,
            _("%(year)d has no indicator tree yet: set it up (or copy last year's) first.")
            % {"year": period.year},
        )
    current = selectors.figures(period, [code]).get(code, {})
    form = HandEntryForm(request.POST or None, indicators=leaves, initial=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enter_by_hand(request.user, region, period, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Figures saved."))
                return redirect(f"{reverse('indicators:county', args=[code])}?period={period.slug}")
        status = 400
    return render(
        request,
        "indicators/enter.html",
        {
            "form": form,
            "county": region,
            "period": period,
            "choices": period_choices(timezone.localdate()),
        },
        status=status,
    )


# --- Findings ---------------------------------------------------------------------


@login_required
def findings(request):
    """All findings, or (from the dashboard's card) those of one status in
    one region's subtree."""
    _reader(request.user)
    status = request.GET.get("status", "")
    if status and status not in FindingStatus.values:
        return _bad(request, _("Unknown status."))
    region = None
    if request.GET.get("region"):
        region = Region.objects.filter(
            ticket_scope.indicator_regions_q(request.user), code=request.GET["region"]
        ).first()
        if region is None:
            return _bad(request, _("Unknown county."))
    found = selectors.filtered_findings(
        selectors.findings_for(request.user),
        status=status,
        region=region.subtree_prefix if region else "",
    )
    return render(
        request,
        "indicators/findings.html",
        {
            "findings": found[:200],
            "status": FindingStatus(status).label if status else "",
            "region": region,
        },
    )


@login_required
def finding_new(request):
    _reader(request.user)
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("region", "")
    region = Region.objects.filter(
        ticket_scope.indicator_regions_q(request.user),
        code=code,
        level__in=[Region.Level.COUNTY, Region.Level.PREFECTURE],
    ).first()
    try:
        period = periods.parse(source.get("period", ""))
    except ValueError:
        return _bad(request, _("Unknown period."))
    if region is None:
        return _bad(request, _("Unknown county."))
    indicator = None
    if source.get("indicator"):
        indicator = Indicator.objects.filter(year=period.year, code=source.get("indicator")).first()
        if indicator is None:
            return _bad(request, _("Unknown indicator."))
    initial = {k: request.GET.get(k, "") for k in ("title", "problem", "approach")}
    form = FindingForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                finding = services.draft_finding(
                    request.user, region, period, indicator=indicator, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Finding saved as a draft."))
                return redirect("indicators:finding", pk=finding.pk)
        status = 400
    return render(
        request,
        "indicators/finding_form.html",
        {"form": form, "region": region, "period": period, "indicator": indicator},
        status=status,
    )


def _finding_page(request, finding, status=200, **forms):
    period = periods.of(finding.period_kind, finding.period_start)
    return render(
        request,
        "indicators/finding.html",
        {
            "finding": finding,
            "period": period,
            "form": forms.get("form")
            or FindingForm(
                initial={
                    "title": finding.title,
                    "problem": finding.problem,
                    "approach": finding.approach,
                }
            ),
            "rectify_form": forms.get("rectify_form")
            or RectifyForm(region=finding.region, initial={"measures": finding.approach}),
            "may_edit": not finding.signed
            and ticket_scope.may_edit_indicator_region(request.user, finding.region),
            "may_sign": not finding.signed
            and ticket_scope.may_sign_findings(request.user, finding.region),
            "may_rectify": finding.signed
            and not finding.rectification_item_id
            and ticket_scope.may_edit_indicator_region(request.user, finding.region),
        },
        status=status,
    )


@login_required
def finding(request, pk):
    _reader(request.user)
    finding = selectors.finding_or_404(request.user, pk)
    if request.method != "POST":
        return _finding_page(request, finding)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.edit_finding(request.user, finding, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Finding saved."))
            return redirect("indicators:finding", pk=pk)
    return _finding_page(request, finding, status=400, form=form)


@login_required
@require_POST
def finding_sign(request, pk):
    _reader(request.user)
    finding = selectors.finding_or_404(request.user, pk)
    try:
        services.sign_finding(request.user, finding)
    except ValidationError as error:
        return _bad(request, "；".join(error.messages))
    messages.success(request, _("Finding signed off."))
    return redirect("indicators:finding", pk=pk)


@login_required
@require_POST
def finding_rectify(request, pk):
    _reader(request.user)
    finding = selectors.finding_or_404(request.user, pk)
    form = RectifyForm(request.POST, region=finding.region)
    if form.is_valid():
        try:
            item = services.rectify(request.user, finding, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Entered in the ledger as %(number)s, due %(deadline)s.")
                % {"number": item.number, "deadline": item.deadline.strftime("%Y-%m-%d")},
            )
            return redirect("rectification:detail", pk=item.pk)
    return _finding_page(request, finding, status=400, rectify_form=form)
