"""django-helpdesk's staff dashboard, kanban and ticket list, replaced, its
ticket update guarded, and the operator's workbench actions on its ticket page.

helpdesk builds its dashboard and kanban from all tickets and the user's
queues; these views fill the same templates from the scope module
(selectors.staff_dashboard, selectors.kanban_columns). Its ticket list
becomes the operator's queue (selectors.work_queue), and its update view
is wrapped so a fault or emergency is resolved only with its root cause.
"""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from helpdesk.decorators import helpdesk_staff_member_required
from helpdesk.models import Queue, Ticket
from helpdesk.user import HelpdeskUser
from helpdesk.views import staff as helpdesk_staff
from helpdesk.views.staff import get_dashboard_sort

from helpdesk_site.people.models import User
from helpdesk_site.tickets import legacy_queries, scope, selectors, services
from helpdesk_site.tickets.forms import BulkAssignForm, EscalationForm, ReclassifyForm
from helpdesk_site.tickets.models import FINISHED_STATUSES
from sla import clock_text
from sla import selectors as sla_selectors
from sla import services as sla_services
from sla.forms import HoldForm, ResolutionForm, ResumeForm

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


# --- The operator's queue and workbench --------------------------------------


def _page_number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _queue_id(value) -> int | None:
    """A queue id from the query string; anything else shows every queue."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _legacy_landing(request):
    """Where a link or saved search of helpdesk's list (its `?status=`,
    `?assigned_to=`, `?saved_query=`) now leads, or None for the queue's own."""
    if "show" in request.GET or not legacy_queries.LEGACY_PARAMS & set(request.GET):
        return None
    if "saved_query" in request.GET:
        query = selectors.saved_list_query(request.user, request.GET["saved_query"])
        filtering = query.get("filtering") or {}
        filtering_null = query.get("filtering_null") or {}
        words = query.get("search_string") or ""
    else:
        filtering, filtering_null = legacy_queries.filtering_from_params(
            {name: request.GET.getlist(name) for name in request.GET}
        )
        words = request.GET.get("q", "")
    if not isinstance(filtering, dict) or not isinstance(filtering_null, dict):
        filtering, filtering_null = {}, {}
    landing = legacy_queries.landing(
        filtering,
        filtering_null,
        str(words)[:200],
        user_id=request.user.pk,
        worked_statuses=selectors.WORKED_STATUSES,
    )
    if landing.search is not None:
        return redirect(f"{reverse('tickets:list')}?{urlencode(landing.search)}")
    params = {"show": landing.show}
    if landing.queue_id is not None:
        params["queue"] = landing.queue_id
    return redirect(f"{reverse('helpdesk:list')}?{urlencode(params)}")


@helpdesk_staff_member_required
def work_queue(request):
    """The operator's list (in place of helpdesk's): open tickets soonest due
    first, with filters, counts and bulk take or assign. helpdesk's own list
    queries land on the filter that shows the same tickets."""
    landing = _legacy_landing(request)
    if landing is not None:
        return landing
    queue = selectors.work_queue(
        request.user,
        show=request.GET.get("show", "all"),
        queue_id=_queue_id(request.GET.get("queue")),
        page=_page_number(request.GET.get("page")),
    )
    clocks = sla_selectors.soonest_clock_views(queue.tickets)
    language = get_language() or "zh-hans"
    rows = []
    for ticket in queue.tickets:
        soonest = clocks.get(ticket.pk)
        rows.append(
            {
                "ticket": ticket,
                "clock": soonest,
                "due": clock_text.instant(soonest.clock.due_at) if soonest else "",
                "remaining": clock_text.remaining(
                    soonest.remaining_minutes,
                    around_the_clock=soonest.clock.around_the_clock,
                    language=language,
                )
                if soonest and soonest.risk != "breached"
                else "",
            }
        )
    visible_queues = [q.queue_id for q in queue.queues] or [
        q.pk for q in HelpdeskUser(request.user).get_queues()
    ]
    return render(
        request,
        "tickets/work_queue.html",
        {
            "queue": queue,
            "rows": rows,
            "filters": [(name, label, queue.counts[name]) for name, label in FILTER_LABELS],
            "assignees": scope.assignable_users(Queue.objects.filter(pk__in=visible_queues)),
            "shown_total": queue.counts[queue.show],
        },
    )


FILTER_LABELS = list(selectors.QUEUE_FILTERS.items())


def _back_to_queue(request):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return HttpResponseRedirect(target)
    return redirect("helpdesk:list")


@helpdesk_staff_member_required
@require_POST
def bulk_assign(request):
    """Take (assignee "me") or assign the tickets ticked on the queue."""
    form = BulkAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the tickets and choose whom to give them to."))
        return _back_to_queue(request)
    assignee = (
        request.user if form.cleaned_data["assignee"] == "me" else form.cleaned_data["assignee"]
    )
    tickets = Ticket.objects.filter(pk__in=form.cleaned_data["ticket_ids"]).select_related("queue")
    try:
        changed = services.assign_tickets(user=request.user, tickets=tickets, assignee=assignee)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(count)d ticket(s) now with %(name)s.")
            % {"count": len(changed), "name": assignee.display_name()},
        )
    return _back_to_queue(request)


@helpdesk_staff_member_required
@require_POST
def reclassify(request, ticket_id):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    form = ReclassifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a category and a priority from the lists."))
        return redirect("helpdesk:view", ticket_id=ticket.pk)
    try:
        services.reclassify(user=request.user, ticket=ticket, **form.cleaned_data)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Category and priority saved; the clocks follow them."))
    return redirect("helpdesk:view", ticket_id=ticket.pk)


@helpdesk_staff_member_required
@require_POST
def escalate(request, ticket_id):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    if not scope.works_tickets(request.user):
        raise PermissionDenied(_("Only operators handle tickets."))
    form = EscalationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Say why the ticket goes to the team lead (500 characters at most).")
        )
        return redirect("helpdesk:view", ticket_id=ticket.pk)
    try:
        lead = sla_services.escalate_to_team_lead(
            ticket, request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Escalated to %(name)s, who has been told.") % {"name": lead.display_name()}
        )
    return redirect("helpdesk:view", ticket_id=ticket.pk)


def _worked_ticket(request, ticket_id):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    if not scope.works_tickets(request.user):
        raise PermissionDenied(_("Only operators handle tickets."))
    return ticket


@helpdesk_staff_member_required
def hold(request, ticket_id):
    """helpdesk's 操作 → 暂停: asks what the ticket is waiting for, then
    pauses the clocks through the SLA service with that reason."""
    ticket = _worked_ticket(request, ticket_id)
    form = HoldForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        sla_services.set_on_hold(ticket, request.user, on_hold=True, reason=form.reason())
        messages.success(request, _("The clocks are paused."))
        return redirect("helpdesk:view", ticket_id=ticket.pk)
    return render(
        request,
        "tickets/hold.html",
        {"ticket": ticket, "hold_form": form},
        status=400 if form.is_bound else 200,
    )


@helpdesk_staff_member_required
def unhold(request, ticket_id):
    """helpdesk's 操作 → 恢复: asks why the clocks run again, then resumes
    them through the SLA service with that reason."""
    ticket = _worked_ticket(request, ticket_id)
    form = ResumeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        sla_services.set_on_hold(ticket, request.user, on_hold=False, reason=form.reason())
        messages.success(request, _("The clocks run again."))
        return redirect("helpdesk:view", ticket_id=ticket.pk)
    return render(
        request,
        "tickets/unhold.html",
        {"ticket": ticket, "resume_form": form},
        status=400 if form.is_bound else 200,
    )


# What helpdesk's reply form and the SLA panel's resolve form keep when refused.
DRAFT_FIELDS = ("comment", "new_status", "public", "root_cause", "fix")


def ticket_page_again(request, ticket, reason: str):
    """helpdesk's ticket page once more (400) after a refused update: the
    reason shown and what the operator typed kept in the forms
    (`request.workbench_draft`, read by the page's templates). Chosen files
    cannot be put back in a form; the reason says so."""
    if request.FILES:
        reason = "{} {}".format(reason, _("Choose the files again."))
    messages.error(request, reason)
    page = copy.copy(request)
    page.method = "GET"
    page.POST = QueryDict()
    page.resolver_match = resolve(reverse("helpdesk:view", args=[ticket.pk]))
    page.workbench_draft = {name: request.POST.get(name, "") for name in DRAFT_FIELDS}
    response = helpdesk_staff.view_ticket(page, ticket.pk)
    response.status_code = 400
    return response


@helpdesk_staff_member_required
def update_ticket(request, ticket_id, *args, **kwargs):
    """helpdesk's update view, refusing a 处理人 outside the ticket's queue; it
    resolves or closes a fault or emergency only with its root cause and fix
    (asked for in its own reply form, tickets/_respond_root_cause.html): they
    go to the fault-handling log first. Without them the update is refused,
    nothing saved."""
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    owner = request.POST.get("owner", "") if request.method == "POST" else ""
    if owner not in ("", "-1", "0"):
        refusal = refused_assignee([ticket], owner)
        if refusal:
            return render(request, "400.html", {"message": refusal}, status=400)
    if request.method == "POST" and _finishes(request.POST.get("new_status"), ticket):
        cause = ResolutionForm(request.POST)
        if not cause.is_valid():
            return ticket_page_again(
                request, ticket, _("Root cause and fix are limited to 2000 characters each.")
            )
        root_cause, fix = cause.cleaned_data["root_cause"], cause.cleaned_data["fix"]
        if root_cause.strip() or fix.strip():
            try:
                sla_services.record_root_cause(ticket, request.user, root_cause=root_cause, fix=fix)
            except ValidationError as error:
                return ticket_page_again(request, ticket, " ".join(error.messages))
        elif sla_services.needs_root_cause(ticket):
            return ticket_page_again(
                request,
                ticket,
                _(
                    "A fault or emergency is resolved or closed with its root cause and fix: "
                    "fill them in under the new status in the reply form. Nothing was saved."
                ),
            )
    return helpdesk_staff.update_ticket_view(request, ticket_id, *args, **kwargs)


def _finishes(new_status, ticket) -> bool:
    try:
        status = int(new_status)
    except (TypeError, ValueError):
        return False
    return status in sla_services.STOPPED_STATUSES and ticket.status not in FINISHED_STATUSES
