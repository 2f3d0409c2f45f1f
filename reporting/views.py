from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from helpdesk_site.tickets import scope as ticket_scope
from reporting import sections, selectors, services, stats, svgcharts, tiles, weakspots
from reporting.documents import (
    AGE_LABELS,
    DIMENSION_LABELS,
    NO_TICKETS,
    SCORE_LABELS,
    compared,
    comparison_sentence,
    group_status,
    rate_compared,
    trend_labels,
)
from reporting.forms import DashboardForm, GenerateForm
from reporting.models import StoredReport
from reporting.periods import trend_buckets
from sla.models import ClockKind

CLOCK_NAMES = dict(ClockKind.choices)


def _root(user):
    root = ticket_scope.reported_region(user)
    if root is None:
        raise PermissionDenied(_("Reports are for supervisors."))
    return root


@login_required
def helpdesk_reports(request, report=None):
    """django-helpdesk's report pages count tickets outside the scope module:
    they lead here, to the reports of the reader's region."""
    _root(request.user)
    return redirect("reporting:dashboard")


def _filters(request):
    form = DashboardForm(request.GET or None, root=_root(request.user))
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = DashboardForm({"kind": "month"}, root=form.root)
        form.is_valid()
    return form, form.filters()


@login_required
def dashboard(request):
    form, filters = _filters(request)
    if filters is None:
        return render(request, "reporting/dashboard.html", {"form": form}, status=400)
    # The page lists no overdue items or root causes (the reports do).
    figures = selectors.figures(filters, user=request.user, lists=False)
    weak_tables = [
        (DIMENSION_LABELS[dimension], [_group_view(g) for g in figures.groups[dimension]])
        for dimension in selectors.DIMENSIONS
        if dimension != "prefecture_department"
        or figures.filters.region.level == figures.filters.region.Level.PREFECTURE
    ]
    labels, values = trend_labels(figures)
    trend = [
        svgcharts.Point(label, n, key.isoformat())
        for label, n, key in zip(labels, values, _bucket_keys(figures), strict=True)
    ]
    counties = [svgcharts.Point(c["name"], c["filed"], c["code"]) for c in figures.counties]
    ratings = [
        svgcharts.Point(f"{SCORE_LABELS[score]}（{score}）", n, str(score))
        for score, n in figures.satisfaction["distribution"].items()
    ]
    county_tiles = tiles.tiles(figures.counties)
    tickets = reverse("reporting:tickets")
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "f": figures,
            "cards": _cards(figures),
            "tiles": county_tiles if len(county_tiles) > 1 else [],
            "tile_legend": tiles.legend(),
            "extra_sections": [s for s in sections.ordered() if s.dashboard_template],
            "headline": figures.headline,
            "weakest": [
                _group_view(g)
                | {
                    "overdue_check": figures.overdue_checks.get(g.key)
                    if g.dimension == "county"
                    else None
                }
                for g in figures.weakest
            ],
            "comparison": comparison_sentence(figures),
            "weak_tables": weak_tables,
            "min_sample": weakspots.MIN_SAMPLE,
            "no_tickets": NO_TICKETS,
            "trend": svgcharts.columns(trend),
            "county_chart": svgcharts.rows(counties),
            "rating_chart": svgcharts.rows(ratings, label_width=110),
            "times": [
                (ClockKind.RESPONSE.label, figures.response),
                (ClockKind.RESOLUTION.label, figures.resolution),
            ],
            "escalations": [
                {**row, "label": CLOCK_NAMES.get(row["clock_kind"], row["clock_kind"])}
                for row in figures.escalations
            ],
            "query": urlencode(figures.filters.as_query()),
            # Every number links to its tickets: the address made once, not per link.
            "tickets_query": f"{tickets}?{urlencode(figures.filters.as_query())}",
            "previous_tickets_query": f"{tickets}?"
            + urlencode(
                figures.filters.as_query()
                | {
                    "date": figures.comparable.start.isoformat(),
                    "until": (figures.comparable.until or figures.comparable.end).isoformat(),
                }
            ),
        },
    )


def _card(name, label, value, figure, key="", **more) -> dict:
    """A headline card: its figure links to the tickets it counts; `previous`
    and `change` compare it with the previous comparable span; `detail` is a
    second figure with its own link (text, figure, key, n)."""
    return {"name": name, "label": label, "value": value, "figure": figure, "key": key} | more


def _cards(figures) -> list[dict]:
    now, before = figures.headline, figures.previous
    backlog = figures.backlog
    return [
        _card(
            "filed",
            pgettext("ticket count", "Filed"),
            now["filed"],
            "filed",
            previous=before["filed"],
            previous_figure="filed",
            change=compared(figures, "filed"),
        ),
        _card(
            "resolved",
            _("Resolved"),
            now["resolved"],
            "resolved",
            previous=before["resolved"],
            previous_figure="resolved",
            change=compared(figures, "resolved"),
        ),
        _card(
            "compliance",
            _("SLA compliance"),
            stats.percent(now["compliance"]),
            "met",
            "resolution",
            previous=stats.percent(before["compliance"]),
            change=rate_compared(figures, "compliance"),
            note=_("%(met)s of %(n)s resolutions on time")
            % {"met": figures.resolution["met"], "n": figures.resolution["n"]},
        ),
        _card(
            "breached",
            _("Tickets past a deadline"),
            figures.breached_tickets,
            "breached",
            previous=figures.previous_breached_tickets,
            previous_figure="breached",
            note=_("%(n)s breaches: %(response)s of response, %(resolution)s of resolution")
            % {
                "n": now["breaches"],
                "response": figures.breaches[ClockKind.RESPONSE],
                "resolution": figures.breaches[ClockKind.RESOLUTION],
            },
        ),
        _card(
            "backlog",
            _("Backlog at the end"),
            backlog["total"],
            "backlog",
            note=_("Open at the end of the period."),
            detail=(_("of them overdue"), "overdue_open", "", backlog["overdue"]),
        ),
        _card(
            "overdue",
            _("Overdue (超期)"),
            figures.overdue["total"],
            "overdue",
            note=_("Past the resolution deadline during the period, resolved ones included."),
        ),
        _card("emergency", _("Emergencies"), figures.emergencies["total"], "emergency"),
    ]


def _group_view(group: weakspots.Group) -> dict:
    """A weak-spot group with its figures as the dashboard shows them."""
    return {
        "group": group,
        "label": DIMENSION_LABELS[group.dimension],
        "key": f"{group.dimension}:{group.key}",
        "rate": stats.percent(group.rate),
        "lower": stats.percent(group.lower_bound),
        "previous": stats.percent(group.previous_rate),
        "change": weakspots.points_phrase(group.change),
        "status": group_status(group),
    }


def _bucket_keys(figures):
    return trend_buckets(figures.filters.period)


FIGURE_LABELS = {
    "filed": _lazy("Tickets filed"),
    "day": _lazy("Tickets filed on"),
    "county": _lazy("Tickets filed in"),
    "problem": _lazy("Recurring problem"),
    "resolved": _lazy("Tickets resolved"),
    "breached": _lazy("Tickets past a deadline"),
    "backlog": _lazy("Backlog at the end"),
    "overdue": _lazy("Overdue (超期)"),
    "overdue_open": _lazy("Overdue and still open at the end"),
    "emergency": _lazy("Emergencies"),
    "rating": _lazy("Rated"),
    "follow_up_open": _lazy("Open 差评 follow-ups"),
    "follow_up_overdue": _lazy("Overdue 差评 follow-ups"),
    "operator": _lazy("Resolved by"),
    "operator_open": _lazy("Open with"),
    "stopped": _lazy("Clocks stopped in the period"),
    "met": _lazy("Resolved on time"),
    "escalation": _lazy("Escalated"),
    "backlog_age": _lazy("Backlog by age"),
    "cluster": _lazy("Similar tickets"),
    "group": _lazy("Resolved in"),
    "group_missed": _lazy("Resolved late in"),
}


def _figure_title(figure: str, key: str) -> str:
    """The drill-down's title in words, e.g. 按时解决 · 康定市."""
    if figure == "backlog_age":
        named = AGE_LABELS.get(key, key)
    elif figure == "rating":
        named = SCORE_LABELS.get(int(key), key) if key.isdigit() else key
    elif figure in ("group", "group_missed"):
        dimension = key.partition(":")[0]
        named = f"{DIMENSION_LABELS.get(dimension, '')}“{selectors.key_name(figure, key)}”"
    else:
        named = selectors.key_name(figure, key)
    return f"{FIGURE_LABELS[figure]} · {named}" if named else str(FIGURE_LABELS[figure])


@login_required
def figure_tickets(request):
    _form, filters = _filters(request)
    figure, key = request.GET.get("figure", ""), request.GET.get("key", "")
    if filters is None or figure not in selectors.FIGURES:
        return HttpResponseBadRequest(_("Unknown figure or filters."))
    try:
        tickets = selectors.tickets_behind(filters, figure, key, user=request.user)
        title = _figure_title(figure, key)
    except ValueError:
        return HttpResponseBadRequest(_("Unknown figure or filters."))
    tickets = tickets.select_related(
        "details__department", "details__region", "assigned_to"
    ).order_by("-created")
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/figure_tickets.html",
        {
            "page": page,
            "title": title,
            "filters": filters,
            "query": query.urlencode(),
        },
    )


@login_required
def report_list(request):
    root = _root(request.user)
    reports = StoredReport.objects.filter(
        region__code__startswith=root.subtree_prefix
    ).select_related("region")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request, "reporting/report_list.html", {"page": page, "form": GenerateForm(root=root)}
    )


@login_required
@require_POST
def report_generate(request):
    form = GenerateForm(request.POST, root=_root(request.user))
    if not form.is_valid():
        root = form.root
        reports = StoredReport.objects.filter(region__code__startswith=root.subtree_prefix)
        page = Paginator(reports, 50).get_page(1)
        return render(
            request, "reporting/report_list.html", {"page": page, "form": form}, status=400
        )
    data = form.cleaned_data
    report = services.generate_report(
        data["period"], data["report_region"], data["format"], user=request.user
    )
    messages.success(request, _("The report has been generated."))
    return redirect("reporting:download", pk=report.pk)


@login_required
def report_download(request, pk):
    report = get_object_or_404(StoredReport.objects.select_related("region"), pk=pk)
    if not ticket_scope.may_read_reports_on(request.user, report.region):
        # Out of scope looks like not there at all.
        raise Http404
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.file.name.rsplit("/", 1)[-1],
        content_type=services.MIME[report.format],
    )
