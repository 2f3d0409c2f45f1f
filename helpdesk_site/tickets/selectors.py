"""Reads of tickets, always starting from the scope module."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.filters import TicketFilter
from helpdesk_site.tickets.models import FINISHED_STATUSES


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
    """The ticket page's facts; its conversation (follow-ups and chat lines
    in one thread) is read by the chat panel (chat.selectors.conversation)."""
    details = getattr(ticket, "details", None)
    return {
        "ticket": ticket,
        "details": details,
        "region_path": details.region.path() if details else [],
        "can_comment": scope.can_comment(user, ticket),
        "can_close_or_reopen": scope.can_close_or_reopen(user, ticket),
        "works_tickets": scope.works_tickets(user),
    }


# --- django-helpdesk's staff dashboard and kanban, through the scope --------
# helpdesk builds both from Ticket.objects and the user's queues; the site
# builds them from the scope module, so a withdrawn ticket or a ticket outside
# the user's scope never shows there.

KANBAN_CARDS_PER_COLUMN = 100
KANBAN_CLOSED_WEEKS = 6


@dataclass(frozen=True)
class AgeBand:
    label: str
    count: int
    colour: str
    query: str


def _list_query(date_from: str, date_to: str) -> str:
    """helpdesk's ticket-list filter for open, reopened and resolved tickets
    filed between two dates, as its dashboard links it."""
    statuses = "".join(
        f"&status={s}" for s in (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS, Ticket.RESOLVED_STATUS)
    )
    return f"sort=created&date_from={date_from}&date_to={date_to}{statuses}"


def staff_dashboard(user, sorts: dict[str, str], now=None) -> dict:
    """The querysets of helpdesk's dashboard: the user's open and finished
    tickets, the unassigned ones, the ones they filed, and open tickets by age."""
    now = now or timezone.now()
    tickets = scope.visible_tickets(user).select_related("queue", "assigned_to")
    active = tickets.exclude(status__in=FINISHED_STATUSES)
    day_30 = (now - timedelta(days=30)).date().isoformat()
    day_60 = (now - timedelta(days=60)).date().isoformat()
    not_closed = Q(status__in=Ticket.OPEN_STATUSES) | Q(status=Ticket.RESOLVED_STATUS)
    ages = scope.visible_tickets(user).aggregate(
        recent=Count("pk", filter=not_closed & Q(created__date__gt=day_30)),
        middle=Count(
            "pk", filter=not_closed & Q(created__date__lte=day_30, created__date__gt=day_60)
        ),
        old=Count("pk", filter=not_closed & Q(created__date__lte=day_60)),
    )
    bands = [
        AgeBand(_("Filed in the last 30 days"), ages["recent"], "success", _list_query(day_30, "")),
        AgeBand(
            _("Filed 30 to 60 days ago"),
            ages["middle"],
            "success" if ages["middle"] == 0 else "warning",
            _list_query(day_60, day_30),
        ),
        AgeBand(
            _("Filed over 60 days ago"),
            ages["old"],
            "success" if ages["old"] == 0 else "danger",
            _list_query("", day_60),
        ),
    ]
    return {
        "user_tickets": active.filter(assigned_to=user).order_by(sorts["ut_sort"]),
        "user_tickets_closed_resolved": tickets.filter(
            assigned_to=user, status__in=FINISHED_STATUSES
        ).order_by(sorts["utcr_sort"]),
        "unassigned_tickets": active.filter(assigned_to__isnull=True).order_by(sorts["una_sort"]),
        "all_tickets_reported_by_current_user": (
            tickets.filter(submitter_email=user.email).order_by(sorts["atrbcu_sort"])
            if user.email
            else tickets.none()
        ),
        "open_ticket_stats": [(b.label, b.count, b.colour, b.query) for b in bands],
    }


def kanban_columns(user, due_weeks: int | None, exclude_overdue: bool, now=None) -> list[dict]:
    """helpdesk's kanban columns (one per status) over the user's scope.
    With `due_weeks`, only tickets due within that many weeks (and, unless
    excluded, overdue open ones); finished tickets only while recent."""
    now = now or timezone.now()
    tickets = scope.visible_tickets(user).select_related("queue", "assigned_to")
    if due_weeks:
        upcoming = Q(due_date__gte=now, due_date__lte=now + timedelta(weeks=due_weeks))
        overdue = Q(due_date__lt=now, status__in=Ticket.OPEN_STATUSES)
        tickets = tickets.filter(upcoming if exclude_overdue else upcoming | overdue)
    tickets = tickets.exclude(
        status__in=(Ticket.CLOSED_STATUS, Ticket.DUPLICATE_STATUS),
        modified__lt=now - timedelta(weeks=KANBAN_CLOSED_WEEKS),
    )
    order = (F("due_date").asc(nulls_last=True), "-modified")
    return [
        {
            "status": status,
            "label": label,
            "tickets": list(
                tickets.filter(status=status).order_by(*order)[:KANBAN_CARDS_PER_COLUMN]
            ),
        }
        for status, label in Ticket.STATUS_CHOICES
    ]


def after_sales_links(user, ticket) -> dict:
    """The ticket an after-sales ticket follows and the after-sales tickets
    that follow this one, those the user may see."""
    visible = scope.visible_tickets(user)
    details = getattr(ticket, "details", None)
    follows = None
    if details is not None and details.follows_id:
        follows = visible.filter(pk=details.follows_id).first()
    followed_by = list(visible.filter(details__follows=ticket).order_by("pk"))
    return {"follows": follows, "followed_by": followed_by}
