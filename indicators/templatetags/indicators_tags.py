"""The indicator analysis on the supervisors' dashboard: the year's weakest
counties of the dashboard's region and the findings awaiting sign-off."""

from django import template

from helpdesk_site.tickets import scope
from indicators import selectors

register = template.Library()


@register.inclusion_tag("indicators/_dashboard_card.html", takes_context=True)
def indicators_card(context, figures):
    """The latest figures of the dashboard period's year, read as the
    overview reads them, and the drafts the findings list shows."""
    if not figures:
        return {}
    user = context["request"].user
    region, period = figures.filters.region, figures.filters.period
    if not scope.may_read_reports_on(user, region):
        return {}
    latest = selectors.latest_period_in(period.start.year, period.end)
    weak = selectors.weakest_counties(user, region, selectors.standing(latest)) if latest else []
    drafts = selectors.filtered_findings(
        selectors.findings_for(user), status="draft", region=region.subtree_prefix
    ).count()
    return {
        "shown": bool(weak) or bool(drafts),
        "period": latest,
        "weak": weak,
        "drafts": drafts,
        "region": region,
    }
