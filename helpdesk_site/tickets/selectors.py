"""Reads of tickets, always starting from the scope module."""

import binascii
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk.models import SavedSearch, Ticket
from helpdesk.query import query_from_base64

from helpdesk_site.tickets import queue_counts, scope
from helpdesk_site.tickets.filters import TicketFilter
from helpdesk_site.tickets.models import FINISHED_STATUSES
from sla.models import SlaClock


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


# --- The operator's queue: what to do next ------------------------------------

QUEUE_PAGE_SIZE = 25
WORKED_STATUSES = (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS)

# The queue's filters, in the order the page shows them.
QUEUE_FILTERS = {
    "all": gettext_lazy("All open"),
    "mine": gettext_lazy("Mine"),
    "unassigned": gettext_lazy("Unassigned"),
    "at_risk": gettext_lazy("At risk"),
    "breached": gettext_lazy("Breached"),
    "waiting": gettext_lazy("Waiting"),
}


def _running_clocks() -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(stopped_at__isnull=True, running_since__isnull=False)


def _filter_q(name: str, user, now) -> Q:
    # Uncorrelated subqueries: the database hashes each once per query.
    running = _running_clocks()
    return {
        "all": Q(),
        "mine": Q(assigned_to=user),
        "unassigned": Q(assigned_to__isnull=True),
        "at_risk": Q(
            pk__in=running.filter(at_risk_at__lte=now, due_at__gt=now).values("ticket_id")
        ),
        "breached": Q(pk__in=running.filter(due_at__lte=now).values("ticket_id")),
        "waiting": Q(on_hold=True),
    }[name]


@dataclass(frozen=True)
class QueueCount:
    queue_id: int
    title: str
    count: int


@dataclass
class WorkQueue:
    show: str
    queue_id: int | None
    counts: dict[str, int]
    queues: list[QueueCount]
    tickets: list[Ticket]
    page: int
    pages: int
    total: int


# The queue's walk over the running clocks reads this many first, then
# twice as many at each further step.
FIRST_STEP = 4 * QUEUE_PAGE_SIZE


def _page_ids(chosen: QuerySet[Ticket], start: int, size: int) -> list[int]:
    """Ids of one page of `chosen`, soonest due first. Walks the running
    clocks in due order (their index, slaclock_running_due), keeps each
    ticket at its first clock and asks which of a step's tickets are chosen,
    until the page is full: a first page reads a few hundred index entries
    and probes as many tickets by key, however many tickets there are.
    Tickets with no running clock (paused, or no policy) follow, by priority."""
    wanted = start + size
    running = _running_clocks().order_by("due_at", "ticket_id").values_list("ticket_id", flat=True)
    timed: list[int] = []
    seen: set[int] = set()
    offset, step, exhausted = 0, FIRST_STEP, False
    while len(timed) < wanted and not exhausted:
        rows = list(running[offset : offset + step])
        exhausted = len(rows) < step
        offset += step
        step *= 2
        new = [pk for pk in dict.fromkeys(rows) if pk not in seen]
        seen.update(new)
        if new:
            kept = set(chosen.filter(pk__in=new).values_list("pk", flat=True))
            timed += [pk for pk in new if pk in kept]
    if len(timed) >= wanted or not exhausted:
        return timed[start:wanted]
    # Every timed ticket is in `timed`: the rest come after them.
    rest = (
        chosen.exclude(pk__in=_running_clocks().values("ticket_id"))
        .order_by("priority", "id")
        .values_list("pk", flat=True)
    )
    page = timed[start:wanted]
    offset = max(0, start - len(timed))
    return page + list(rest[offset : offset + size - len(page)])


def work_queue(user, *, show="all", queue_id=None, page=1, now=None) -> WorkQueue:
    """The tickets the user may work that are not finished, soonest due first
    (the earliest running clock; paused and clockless tickets last), with
    counts for each filter and, under the chosen filter, for each queue."""
    now = now or timezone.now()
    show = show if show in QUEUE_FILTERS else "all"
    active = scope.visible_tickets(user).filter(status__in=WORKED_STATUSES)
    # One pass: every filter's count in every queue, with its title (kept a
    # while: queue_counts).
    by_queue = queue_counts.kept(
        user,
        now,
        lambda: list(
            active.values("queue_id", "queue__title")
            .annotate(
                **{name: Count("pk", filter=_filter_q(name, user, now)) for name in QUEUE_FILTERS}
            )
            .order_by()
        ),
    )
    counts = {name: sum(row[name] for row in by_queue) for name in QUEUE_FILTERS}
    queues = sorted(
        (QueueCount(r["queue_id"], r["queue__title"], r[show]) for r in by_queue if r[show]),
        key=lambda q: q.title,
    )
    chosen = active.filter(_filter_q(show, user, now))
    if queue_id is not None:
        chosen = chosen.filter(queue_id=queue_id)
    total = sum(q.count for q in queues if queue_id is None or q.queue_id == queue_id)
    pages = max(1, -(-total // QUEUE_PAGE_SIZE))
    page = min(max(1, page), pages)
    ids = _page_ids(chosen, (page - 1) * QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE) if total else []
    found = Ticket.objects.select_related(
        "queue",
        "assigned_to",
        "details__subsystem",
        "details__department__region",
        "details__reporter",
    ).in_bulk(ids)
    tickets = [found[pk] for pk in ids if pk in found]
    return WorkQueue(show, queue_id, counts, queues, tickets, page, pages, total)


def saved_list_query(user, saved_query_id) -> dict:
    """One of helpdesk's saved list searches the user may use (their own or
    a shared one) as its query ({"filtering": …, "search_string": …}); empty
    when there is none or it does not decode."""
    try:
        pk = int(saved_query_id)
    except (TypeError, ValueError):
        return {}
    search = SavedSearch.objects.filter(Q(shared=True) | Q(user=user), pk=pk).first()
    if search is None:
        return {}
    # helpdesk stored some as the text of a bytes literal: b'...'
    raw = search.query[2:-1] if search.query.startswith("b'") else search.query
    try:
        query = query_from_base64(raw)
    except (ValueError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return query if isinstance(query, dict) else {}
