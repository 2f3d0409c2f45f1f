from django import template
from django.utils import timezone

from helpdesk_site.satisfaction import selectors, services
from helpdesk_site.satisfaction.forms import RatingForm

register = template.Library()


@register.inclusion_tag("satisfaction/_rating_form.html", takes_context=True)
def rating_panel(context, ticket):
    """The rating panel of a ticket page: the reporter's form while the
    rating may be given or changed, the rating itself for everyone else."""
    user = context["request"].user
    rating = selectors.rating_of(ticket)
    may_rate = services.can_rate(user, ticket) and (
        rating is None or timezone.now() - rating.rated_at <= services.CHANGE_WINDOW
    )
    initial = {"score": rating.score, "comment": rating.comment} if rating else None
    return {
        "ticket": ticket,
        "rating": rating,
        "form": RatingForm(initial=initial) if may_rate else None,
        "csrf_token": context.get("csrf_token"),
    }
