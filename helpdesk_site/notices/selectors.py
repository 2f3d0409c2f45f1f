from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet

from helpdesk_site.notices.models import Notice
from helpdesk_site.tickets import scope

TICKETS_PER_PAGE = 20


def user_group(user_id) -> str:
    """The channel-layer group of one person's open pages."""
    return f"notices.user.{int(user_id)}"


def notices_for(user) -> QuerySet[Notice]:
    """The user's notices, less those of withdrawn tickets (their page is gone)."""
    return Notice.objects.filter(recipient=user).filter(scope.not_withdrawn_q("ticket__"))


def unread_count(user) -> int:
    return notices_for(user).filter(read_at__isnull=True).count()


def unread_counts(user_ids) -> dict[int, int]:
    """unread_count of several people in one query (absent: none unread)."""
    rows = (
        Notice.objects.filter(recipient_id__in=list(user_ids), read_at__isnull=True)
        .filter(scope.not_withdrawn_q("ticket__"))
        .values("recipient_id")
        .annotate(unread=Count("id"))
        .values_list("recipient_id", "unread")
    )
    return dict(rows)


def grouped_page(user, page_number, per_page=TICKETS_PER_PAGE):
    """One page of the user's notices grouped by ticket, the ticket with the
    newest notice first; notices about no ticket form one group of their own."""
    groups = (
        notices_for(user)
        .values("ticket_id")
        .annotate(
            latest=Max("created_at"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            total=Count("id"),
        )
        .order_by("-latest", "ticket_id")
    )
    page = Paginator(groups, per_page).get_page(page_number)
    ticket_ids = [group["ticket_id"] for group in page]
    about = Q(ticket_id__in=[t for t in ticket_ids if t is not None])
    if None in ticket_ids:
        about |= Q(ticket__isnull=True)
    notices = (
        notices_for(user).filter(about).select_related("ticket").order_by("-created_at", "-id")
    )
    by_ticket = {}
    for notice in notices:
        by_ticket.setdefault(notice.ticket_id, []).append(notice)
    for group in page:
        group["notices"] = by_ticket.get(group["ticket_id"], [])
        group["ticket"] = group["notices"][0].ticket if group["notices"] else None
    return page
