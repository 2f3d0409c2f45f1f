"""Key work on the supervisors' dashboard: what is overdue and what falls due soon."""

from django import template

from helpdesk_site.tickets import scope
from keywork import selectors

register = template.Library()


@register.inclusion_tag("keywork/_dashboard_card.html", takes_context=True)
def keywork_card(context, figures):
    """Today's state of the dashboard region's items, whatever the period:
    a deadline is missed or near now, not in the report's past."""
    if not figures:
        return {}
    user = context["request"].user
    region = figures.filters.region
    if not scope.may_read_reports_on(user, region):
        return {}
    alerts = selectors.alerts(user, region)
    return {
        "shown": bool(alerts.open),
        "alerts": alerts,
        "days": selectors.DUE_SOON_DAYS,
    }
