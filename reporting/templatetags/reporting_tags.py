from django import template

from reporting import stats

register = template.Library()


@register.filter
def percent(value):
    """A rate as the reports write it, with one decimal: 66.7%."""
    return stats.percent(value)
