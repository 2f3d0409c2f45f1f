from django import template

from training import wording

register = template.Library()


@register.filter
def effect_verdict(effect):
    return wording.effect_verdict(effect) if effect is not None else ""
