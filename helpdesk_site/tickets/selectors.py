"""Reads of tickets, always starting from the scope module."""

from django.db.models import QuerySet
from helpdesk.models import Ticket

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.filters import TicketFilter


def ticket_list(user, params=None) -> tuple[QuerySet[Ticket], TicketFilter]:
    """The user's tickets, newest first, narrowed by the list's filters."""
    tickets = (
        scope.visible_tickets(user)
        .select_related(
            "queue",
            "assigned_to",
            "details__subsystem",
            "details__department__region",
            "details__reporter",
        )
        .order_by("-created", "-id")
    )
    ticket_filter = TicketFilter(params or None, queryset=tickets)
    # Filter values that do not validate are left out and reported by the form.
    return ticket_filter.qs, ticket_filter


def ticket_page_context(user, ticket: Ticket) -> dict:
    followups = list(
        scope.visible_followups(user, ticket).prefetch_related(
            "followupattachment_set", "ticketchange_set"
        )
    )
    details = getattr(ticket, "details", None)
    return {
        "ticket": ticket,
        "details": details,
        "region_path": details.region.path() if details else [],
        "followups": followups,
        "can_comment": scope.can_comment(user, ticket),
        "can_close_or_reopen": scope.can_close_or_reopen(user, ticket),
        "works_tickets": scope.works_tickets(user),
    }
