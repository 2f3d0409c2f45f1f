"""Sentences about training figures, for the pages and the reports alike.

The reports render under Chinese (reporting.services), so one translated
sentence serves both."""

from django.utils.translation import gettext as _

from training.needs import SMALL_NUMBERS, Effect


def effect_verdict(effect: Effect) -> str:
    """The trained departments' consultation rate before and after, in one sentence."""
    if effect.change is None:
        return _("Too few tickets before or after the training to judge its effect.")
    figures = {
        "before": _share(effect.before_rate, effect.before_consultations, effect.before_tickets),
        "after": _share(effect.after_rate, effect.after_consultations, effect.after_tickets),
        "points": f"{abs(effect.change):.1f}",
    }
    if effect.change < 0:
        text = _(
            "The trained departments' share of consultation tickets was %(before)s before "
            "the training and %(after)s after, down %(points)s percentage points."
        )
    elif effect.change > 0:
        text = _(
            "The trained departments' share of consultation tickets was %(before)s before "
            "the training and %(after)s after, up %(points)s percentage points."
        )
    else:
        text = _(
            "The trained departments' share of consultation tickets was %(before)s before "
            "the training and %(after)s after, unchanged."
        )
    text %= figures
    if effect.small_numbers:
        text += _(
            " Few tickets (fewer than %(n)d): the change may be chance; for reference only."
        ) % {"n": SMALL_NUMBERS}
    return text


def _share(rate: float, part: int, whole: int) -> str:
    return _("%(rate).1f%% (%(part)d/%(whole)d)") % {
        "rate": rate * 100,
        "part": part,
        "whole": whole,
    }
