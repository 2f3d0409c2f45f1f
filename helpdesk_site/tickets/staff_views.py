"""django-helpdesk's staff dashboard and kanban, replaced, and its ticket
update guarded.

helpdesk builds both from all tickets and the user's queues; these views fill
the same templates from the scope module (selectors.staff_dashboard,
selectors.kanban_columns).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from helpdesk.decorators import helpdesk_staff_member_required
from helpdesk.views import staff
from helpdesk.views.staff import get_dashboard_sort

from helpdesk_site.people.models import User
from helpdesk_site.tickets import scope, selectors

DEFAULT_PAGE_SIZE = 25
# helpdesk's query-string names: each table's page and sort order.
TABLES = {
    "ut": "user_tickets",
    "utcr": "user_tickets_closed_resolved",
    "atrbcu": "all_tickets_reported_by_current_user",
    "una": "unassigned_tickets",
}


@helpdesk_staff_member_required
def dashboard(request):
    sorts = {f"{t}_sort": get_dashboard_sort(request, f"{t}_sort") for t in TABLES}
    data = selectors.staff_dashboard(request.user, sorts)
    settings = getattr(request.user, "usersettings_helpdesk", None)
    per_page = settings.tickets_per_page if settings else DEFAULT_PAGE_SIZE
    context = {
        name: Paginator(data[name], per_page).get_page(request.GET.get(f"{table}_page"))
        for table, name in TABLES.items()
    }
    context.update(
        basic_ticket_stats={"open_ticket_stats": data["open_ticket_stats"]},
        kbitems=None,
        user_tickets_sort=sorts["ut_sort"],
        user_tickets_closed_sort=sorts["utcr_sort"],
        all_tickets_reported_sort=sorts["atrbcu_sort"],
        unassigned_tickets_sort=sorts["una_sort"],
    )
    return render(request, "helpdesk/dashboard.html", context)


def _weeks(value: str) -> int | None:
    """The kanban's "due within N weeks" filter: blank or 0 shows every ticket."""
    try:
        weeks = int(value)
    except ValueError:
        return None
    return weeks if 0 < weeks <= 520 else None


@helpdesk_staff_member_required
def kanban(request):
    due_weeks = _weeks(request.GET.get("due_weeks", "").strip())
    exclude_overdue = request.GET.get("exclude_overdue") == "1"
    columns = selectors.kanban_columns(request.user, due_weeks, exclude_overdue)
    return render(
        request,
        "helpdesk/kanban.html",
        {
            "columns": columns,
            "due_weeks": due_weeks,
            "default_due_weeks": None,
            "exclude_overdue": exclude_overdue,
        },
    )


def refused_assignee(tickets, assignee_id) -> str | None:
    """Why `assignee_id` may not be 处理人 of one of `tickets`, or None."""
    try:
        assignee = User.objects.get(pk=int(assignee_id))
    except (ValueError, User.DoesNotExist):
        return _("The chosen assignee does not exist.")
    for ticket in tickets:
        if not scope.may_be_assigned(assignee, ticket):
            return _(
                "%(name)s does not work the queue of ticket #%(id)s and cannot be its assignee."
            ) % {"name": assignee.display_name(), "id": ticket.pk}
    return None


@helpdesk_staff_member_required
def update_ticket(request, ticket_id):
    """helpdesk's ticket update, refusing a 处理人 outside the ticket's queue."""
    owner = request.POST.get("owner", "") if request.method == "POST" else ""
    if owner not in ("", "-1", "0"):
        ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
        refusal = refused_assignee([ticket], owner)
        if refusal:
            return render(request, "400.html", {"message": refusal}, status=400)
    return staff.update_ticket_view(request, ticket_id)
