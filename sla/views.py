from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.staff_views import ticket_page_again
from sla import selectors, services
from sla.forms import HoldForm, ResolutionForm, ResumeForm

PAGE_SIZE = 50


@login_required
def at_risk(request):
    """Operators' and supervisors' list of clocks about to breach, or breached."""
    if not selectors.reads_sla(request.user):
        raise PermissionDenied(_("Only operators and supervisors see the at-risk list."))
    breached = request.GET.get("show") == "breached"
    now = timezone.now()
    clocks = selectors.risky_clocks(request.user, breached=breached, now=now)
    page = Paginator(clocks, PAGE_SIZE).get_page(request.GET.get("page"))
    calendars = selectors.Calendars()
    views = [selectors.clock_view(clock, calendars, now) for clock in page]
    return render(
        request,
        "sla/at_risk.html",
        {
            "page": page,
            "views": views,
            "breached": breached,
            "provisional_years": selectors.provisional_years(calendars.get(None)),
        },
    )


def _worked_ticket(request, ticket_id):
    if not scope.works_tickets(request.user):
        raise PermissionDenied(_("Only operators handle tickets."))
    return scope.get_visible_ticket_or_404(request.user, ticket_id)


@login_required
@require_POST
def resolve(request, ticket_id):
    ticket = _worked_ticket(request, ticket_id)
    form = ResolutionForm(request.POST)
    if not form.is_valid():
        return ticket_page_again(
            request, ticket, _("Root cause and fix are limited to 2000 characters each.")
        )
    try:
        services.record_resolution(ticket, request.user, **form.cleaned_data)
    except ValidationError as error:
        return ticket_page_again(request, ticket, " ".join(error.messages))
    messages.success(request, _("The resolution is on record."))
    return redirect("helpdesk:view", ticket_id=ticket.pk)


@login_required
@require_POST
def hold(request, ticket_id):
    ticket = _worked_ticket(request, ticket_id)
    if request.POST.get("resume"):
        resume = ResumeForm(request.POST)
        if not resume.is_valid():
            messages.error(request, _("Choose why the clocks run again."))
            return redirect("helpdesk:view", ticket_id=ticket.pk)
        services.set_on_hold(ticket, request.user, on_hold=False, reason=resume.reason())
        messages.success(request, _("The clocks run again."))
        return redirect("helpdesk:view", ticket_id=ticket.pk)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what the ticket is waiting for."))
        return redirect("helpdesk:view", ticket_id=ticket.pk)
    services.set_on_hold(ticket, request.user, on_hold=True, reason=form.reason())
    messages.success(request, _("The clocks are paused."))
    return redirect("helpdesk:view", ticket_id=ticket.pk)
