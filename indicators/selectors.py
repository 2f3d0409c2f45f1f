"""Reads of the indicator figures and findings, always within the reader's
scope (helpdesk_site/tickets/scope.py), and the tickets that may explain a
weak score, counted the way the reports' drill-down lists them."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope as ticket_scope
from helpdesk_site.tickets.models import Category, Subsystem
from indicators import analysis, periods
from indicators.models import Finding, ImportRecord, Indicator, Score
from reporting import periods as report_periods
from reporting import selectors as report_selectors

PREFECTURE = "513300"
TREND_LENGTH = {periods.Kind.MONTH: 12, periods.Kind.QUARTER: 8, periods.Kind.YEAR: 5}


def prefecture() -> Region:
    return Region.objects.get(code=PREFECTURE)


def counties() -> dict[str, str]:
    """The prefecture's counties (18), code → name, in code order."""
    return dict(
        Region.objects.filter(level=Region.Level.COUNTY, parent_id=PREFECTURE)
        .order_by("code")
        .values_list("code", "name")
    )


def visible_counties(user) -> dict[str, str]:
    allowed = set(
        Region.objects.filter(ticket_scope.indicator_regions_q(user)).values_list("code", flat=True)
    )
    return {code: name for code, name in counties().items() if code in allowed}


def county_or_404(user, code: str) -> Region:
    county = Region.objects.filter(
        ticket_scope.indicator_regions_q(user), code=code, level=Region.Level.COUNTY
    ).first()
    if county is None:
        raise Http404
    return county


def indicators_of(year: int) -> QuerySet[Indicator]:
    return Indicator.objects.filter(year=year).select_related("parent", "subsystem")


def tree(year: int) -> analysis.Tree:
    return analysis.Tree(
        tuple(
            analysis.Node(
                key=i.code,
                name=i.name,
                parent=i.parent.code if i.parent_id else None,
                weight=float(i.weight),
                target=None if i.target is None else float(i.target),
                full_marks=float(i.full_marks),
                subsystem=i.subsystem.code if i.subsystem_id else "",
                order=i.order,
            )
            for i in indicators_of(year)
        )
    )


def tree_years() -> list[int]:
    return sorted(set(Indicator.objects.values_list("year", flat=True)), reverse=True)


def leaf_indicators(year: int) -> list[Indicator]:
    """The indicators the province scores, in the sheet's order."""
    by_code = {i.code: i for i in indicators_of(year)}
    return [by_code[leaf.key] for leaf in tree(year).leaves]


def figures(period: periods.Period, codes=None) -> dict[str, dict[str, float]]:
    """county code → indicator code → score, for the period."""
    rows = Score.objects.filter(
        period_kind=period.kind, period_start=period.start, indicator__year=period.year
    )
    if codes is not None:
        rows = rows.filter(county_id__in=list(codes))
    found: dict[str, dict[str, float]] = {}
    for county, code, value in rows.values_list("county_id", "indicator__code", "value"):
        found.setdefault(county, {})[code] = float(value)
    return found


def periods_with_figures(kind=None) -> list[periods.Period]:
    rows = Score.objects.values_list("period_kind", "period_start").distinct()
    if kind:
        rows = rows.filter(period_kind=kind)
    return sorted(
        {periods.of(k, s) for k, s in rows}, key=lambda p: (p.start, p.kind), reverse=True
    )


def latest_period(kind=None) -> periods.Period | None:
    found = periods_with_figures(kind or periods.Kind.MONTH) or periods_with_figures()
    return found[0] if found else None


def latest_period_in(year: int, before: dt.date) -> periods.Period | None:
    """The year's latest period with figures that began before `before`: a
    month where there is one (the province's usual rhythm), else a quarter
    or the year."""
    found = [p for p in periods_with_figures() if p.year == year and p.start < before]
    months = [p for p in found if p.kind == periods.Kind.MONTH]
    return (months or found or [None])[0]


@dataclass(frozen=True)
class Standing:
    """The whole prefecture in one period: the ranking, the prefecture's
    means and the previous period's ranking, for the falls."""

    period: periods.Period
    tree: analysis.Tree
    rows: list[analysis.CountyScores]
    means: dict[str, float]
    previous: list[analysis.CountyScores]
    counties: dict[str, str]

    def row(self, code: str) -> analysis.CountyScores | None:
        return next((r for r in self.rows if r.code == code), None)

    def falls(self, limit=10, codes=None):
        current = [r for r in self.rows if codes is None or r.code in codes]
        return analysis.falls(self.tree, current, self.previous, limit)


def standing(period: periods.Period) -> Standing:
    """Computed over all eighteen counties (a rank is among them all);
    callers show a reader only the counties in their scope."""
    tree_ = tree(period.year)
    names = counties()
    rows = analysis.ranking(tree_, names, figures(period))
    before = period.previous()
    previous_tree = tree_ if before.year == period.year else tree(before.year)
    previous = (
        analysis.ranking(previous_tree, names, figures(before)) if previous_tree.nodes else []
    )
    return Standing(period, tree_, rows, analysis.means(rows), previous, names)


def county_trend(code: str, period: periods.Period) -> list[tuple[periods.Period, dict]]:
    """The county's scores (rolled up) over the periods up to `period`."""
    series = periods.series(period, TREND_LENGTH[period.kind])
    trees = {year: tree(year) for year in {p.year for p in series}}
    return [(p, analysis.roll_up(trees[p.year], figures(p, [code]).get(code, {}))) for p in series]


@dataclass(frozen=True)
class WeakCounty:
    row: analysis.CountyScores
    weakest: analysis.Weak


def weakest_counties(user, region: Region, standing_: Standing, limit: int = 3) -> list[WeakCounty]:
    """The lowest-ranked counties of the region the user may read, last
    first, each with the indicator it falls furthest below the mean on, as
    the overview ranks and names them; a county below the mean on nothing
    is not weak, whatever its rank."""
    visible = visible_counties(user)
    rows = [
        r
        for r in standing_.rows
        if r.code in visible
        and r.code.startswith(region.subtree_prefix)
        and analysis.TOTAL in r.ranks
    ]
    found = []
    for row in reversed(rows):
        weak = analysis.weakest(standing_.tree, row, standing_.means, 1)
        if weak:
            found.append(WeakCounty(row, weak[0]))
    return found[:limit]


# --- Tickets behind a weak score ----------------------------------------------


def ticket_windows(period: periods.Period, today: dt.date) -> list[report_periods.Period]:
    """The report periods the figures' period covers, as the reports'
    drill-down takes them (a month or a year; a quarter as its months), up
    to today."""
    if period.kind == periods.Kind.QUARTER:
        windows = [report_periods.containing("month", m.start) for m in period.months()]
    else:
        windows = [report_periods.containing(str(period.kind), period.start)]
    found = []
    for window in windows:
        try:
            found.append(report_periods.as_of(window, today))
        except report_periods.FuturePeriod:
            continue
    return found


def fault_counts(user, period: periods.Period, now=None) -> dict[str, dict[str, int]]:
    """Faults (日常故障处理) filed in the period, county → subsystem code →
    count, among the tickets the user's reports may read."""
    root = ticket_scope.reported_region(user)
    if root is None:
        return {}
    today = report_selectors.local_date(now or timezone.now())
    counts: dict[str, dict[str, int]] = {}
    for window in ticket_windows(period, today):
        filters = report_selectors.Filters(period=window, region=root, category=Category.FAULT)
        scope = report_selectors.scope_for(filters, user)
        rows = (
            report_selectors.filed_in(scope, window)
            .values(
                county=Substr("details__region_id", 1, 6), subsystem=F("details__subsystem__code")
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            per = counts.setdefault(row["county"], {})
            per[row["subsystem"]] = per.get(row["subsystem"], 0) + row["n"]
    return counts


def fault_links(county: str, subsystem: str, period: periods.Period, now=None) -> list[dict]:
    """The reports' drill-down of the faults counted, one link per window."""
    today = report_selectors.local_date(now or timezone.now())
    return [
        {
            "title": window.title,
            "url": reverse("reporting:tickets")
            + "?"
            + urlencode(
                {
                    "figure": "filed",
                    "kind": window.kind,
                    "date": window.start.isoformat(),
                    "region": county,
                    "subsystem": subsystem,
                    "category": Category.FAULT,
                }
            ),
        }
        for window in ticket_windows(period, today)
    ]


def evidence_for(user, code: str, weak, period: periods.Period, now=None):
    """The weak indicators tied to a subsystem with the county's faults there
    and, for a reader who sees every county, the counties' mean."""
    counts = fault_counts(user, period, now)
    all_counties = counties()
    sees_all = set(visible_counties(user)) == set(all_counties)
    totals = None
    if sees_all:
        totals = {}
        for per in counts.values():
            for subsystem, n in per.items():
                totals[subsystem] = totals.get(subsystem, 0) + n
    names = dict(Subsystem.objects.values_list("code", "name"))
    return [
        {
            "evidence": e,
            "subsystem_name": names.get(e.weak.subsystem, e.weak.subsystem),
            "links": fault_links(code, e.weak.subsystem, period, now),
        }
        for e in analysis.ticket_evidence(weak, counts.get(code, {}), totals, len(all_counties))
    ]


# --- Findings and the import log ------------------------------------------------


def findings_for(user) -> QuerySet[Finding]:
    return Finding.objects.filter(
        ticket_scope.indicator_regions_q(user, "region__")
    ).select_related("region", "indicator", "created_by", "signed_by", "rectification_item")


def filtered_findings(findings: QuerySet[Finding], *, status="", region="") -> QuerySet[Finding]:
    """The findings list narrowed to a status and a region's subtree (the
    dashboard's card links here with both)."""
    if status:
        findings = findings.filter(status=status)
    if region:
        findings = findings.filter(region__code__startswith=region)
    return findings


def finding_or_404(user, pk) -> Finding:
    finding = findings_for(user).filter(pk=pk).first()
    if finding is None:
        raise Http404
    return finding


def signed_findings_in(region: Region, start: dt.date, end: dt.date) -> QuerySet[Finding]:
    """Signed findings of the region's subtree about a period starting in [start, end)."""
    return (
        Finding.objects.filter(
            region__code__startswith=region.subtree_prefix,
            status="signed",
            period_start__gte=start,
            period_start__lt=end,
        )
        .select_related("region", "indicator", "signed_by", "rectification_item")
        .order_by("period_start", "region_id", "pk")
    )


def import_log(limit=30) -> QuerySet[ImportRecord]:
    return ImportRecord.objects.select_related("by", "county")[:limit]
