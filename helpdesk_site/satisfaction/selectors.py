"""Reads of ratings and 差评 follow-ups, always within the user's scope."""

from django.db.models import Q, QuerySet

from helpdesk_site.people.models import Role, User
from helpdesk_site.regions.models import Region
from helpdesk_site.satisfaction.models import BadRatingFollowUp, Rating
from helpdesk_site.tickets import scope


def county_supervisors(county_code: str) -> QuerySet[User]:
    """The supervisors of one county (by the region they watch, or else their
    department's)."""
    return User.objects.filter(role=Role.SUPERVISOR, is_active=True).filter(
        Q(supervised_region_id=county_code)
        | Q(supervised_region__isnull=True, department__region_id=county_code)
    )


def prefecture_supervisors() -> QuerySet[User]:
    return User.objects.filter(role=Role.SUPERVISOR, is_active=True).filter(
        Q(supervised_region__level=Region.Level.PREFECTURE)
        | Q(supervised_region__isnull=True, department__region__level=Region.Level.PREFECTURE)
    )


def follow_ups_for(user) -> QuerySet[BadRatingFollowUp]:
    return (
        BadRatingFollowUp.objects.filter(ticket__in=scope.visible_tickets(user).values("pk"))
        .select_related("rating", "ticket", "ticket__details__department", "handled_by")
        .order_by("rectified_at", "due_at")
    )


def can_handle(user, task: BadRatingFollowUp) -> bool:
    """Supervisors whose subtree holds the ticket (the county's, or above)."""
    return scope.supervised_region(user) is not None and scope.can_view_ticket(user, task.ticket_id)


def rating_of(ticket) -> Rating | None:
    return Rating.objects.filter(ticket=ticket).first()
