"""The inspections of the dashboard's region and period, on the supervisors' dashboard."""

from django import template

from inspections import selectors

register = template.Library()

TOP_COUNTIES = 3


@register.inclusion_tag("inspections/_dashboard_card.html")
def inspections_card(figures):
    """Runs due in the period (done on time, late, missed), the abnormal
    findings, and the counties with the most overdue cases at their last check."""
    if not figures:
        return {}
    region, period = figures.filters.region, figures.filters.period
    runs = selectors.runs_in(region, period.start, period.covered_end)
    counts = selectors.status_counts(runs)
    counties = [
        c for c in selectors.county_overdue(region, period.start, period.covered_end) if c.latest
    ]
    return {
        "shown": runs.exists() or bool(counties),
        "due": sum(counts[k] for k in ("pending", "done", "missed")),
        "on_time": counts["done"] - counts["late"],
        "counts": counts,
        "findings": selectors.findings_in(region, period.start, period.covered_end).count(),
        "counties": sorted(counties, key=lambda c: -c.latest)[:TOP_COUNTIES],
    }
