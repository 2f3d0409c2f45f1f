from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.tickets import scope as ticket_scope
from reporting import selectors, services, stats, svgcharts, weakspots
from reporting.documents import (
    DIMENSION_LABELS,
    NO_TICKETS,
    SCORE_LABELS,
    comparison_sentence,
    group_status,
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
    figures = selectors.figures(filters, user=request.user)
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
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "f": figures,
            "headline": figures.headline,
            "weakest": [_group_view(g) for g in figures.weakest],
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
            "previous_query": urlencode(
                figures.filters.as_query()
                | {
                    "date": figures.comparable.start.isoformat(),
                    "until": (figures.comparable.until or figures.comparable.end).isoformat(),
                }
            ),
        },
    )


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


@login_required
def figure_tickets(request):
    _form, filters = _filters(request)
    figure, key = request.GET.get("figure", ""), request.GET.get("key", "")
    if filters is None or figure not in selectors.FIGURES:
        return HttpResponseBadRequest(_("Unknown figure or filters."))
    try:
        tickets = selectors.tickets_behind(filters, figure, key, user=request.user)
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
            "figure": figure,
            "key": key,
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
