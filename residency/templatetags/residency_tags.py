"""The engineers' standing on the supervisors' dashboard."""

from django import template

from residency import selectors

register = template.Library()


@register.inclusion_tag("residency/_dashboard_card.html")
def residency_card(figures):
    """The engineers posted in the dashboard's region who are on the books:
    who may work (a passing latest assessment), who works without one, the
    deadlines running and three failures in a row."""
    if not figures:
        return {}
    engineers = selectors.engineers_in(figures.filters.region).filter(active=True)
    standings = selectors.standings(engineers, now=figures.now)
    return {
        "shown": bool(standings),
        "standings": standings,
        "without_pass": [s for s in standings if s.on_duty_without_pass],
        "deadlines": [s for s in standings if s.deadline],
        "ends_contract": [s for s in standings if s.ends_contract],
        "passing": sum(1 for s in standings if s.passing),
    }
