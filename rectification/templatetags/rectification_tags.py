"""The ledger's buttons on the supervisors' dashboard."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from rectification import selectors

register = template.Library()


@register.inclusion_tag("rectification/_weak_spot_button.html", takes_context=True)
def ledger_button(context, figures, group):
    """Beside one of the five weakest: enter it in the ledger, or open the
    item it already is."""
    filters = figures.filters
    cache = context.render_context.setdefault("rectification_in_ledger", {})
    marker = (filters.region.pk, filters.period.kind, filters.period.start)
    if marker not in cache:
        cache[marker] = selectors.in_ledger(filters.region, filters.period)
    item = cache[marker].get(f"{group.dimension}:{group.key}")
    query = urlencode(
        {
            "kind": filters.period.kind,
            "date": filters.period.start.isoformat(),
            "region": filters.region.code,
            "dimension": group.dimension,
            "key": group.key,
        }
    )
    return {"item": item, "url": f"{reverse('rectification:new')}?{query}"}


@register.inclusion_tag("rectification/_ledger_links.html")
def ledger_links(figures):
    """The ledger, and the period's proposals, from the dashboard's header."""
    filters = figures.filters if figures else None
    query = (
        urlencode(
            {
                "kind": filters.period.kind,
                "date": filters.period.start.isoformat(),
                "region": filters.region.code,
            }
        )
        if filters
        else ""
    )
    return {"query": query}


@register.inclusion_tag("rectification/_dashboard_panel.html")
def ledger_panel(figures):
    """Last period's items and how they stand, under the five weakest."""
    from rectification.report_sections import dashboard_context

    return dashboard_context(figures) if figures else {}
