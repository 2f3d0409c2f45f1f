"""Withdrawing a ticket, in place of django-helpdesk's delete page and its
list's bulk delete. Restoring is in the admin (admin.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from helpdesk.views import staff

from helpdesk_site.audit import services
from helpdesk_site.audit.forms import ReasonForm
from helpdesk_site.tickets import scope, staff_views


@login_required
def withdraw_ticket(request, ticket_id):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    if not scope.can_withdraw(request.user, ticket):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw_ticket(
                    user=request.user, ticket=ticket, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                messages.success(
                    request,
                    _("Ticket #%(id)s has been withdrawn. An administrator can restore it.")
                    % {"id": ticket.pk},
                )
                return redirect("helpdesk:list")
        status = 400
    return render(request, "audit/withdraw.html", {"ticket": ticket, "form": form}, status=status)


def mass_update(request):
    """helpdesk's bulk actions, less "delete", and "assign" only to someone
    who works every chosen ticket's queue."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "delete":
        messages.error(request, _("Tickets cannot be deleted; withdraw them one by one instead."))
        return redirect("helpdesk:list")
    assignee = action.removeprefix("assign_") if action.startswith("assign_") else None
    if action == "take" and request.user.is_authenticated:
        assignee = request.user.pk
    if assignee is not None:
        tickets = scope.visible_tickets(request.user).filter(
            pk__in=[t for t in request.POST.getlist("ticket_id") if t.isdigit()]
        )
        refusal = staff_views.refused_assignee(tickets.select_related("queue"), assignee)
        if refusal:
            return render(request, "400.html", {"message": refusal}, status=400)
    return staff.mass_update(request)


@login_required
def refuse_followup_delete(request, ticket_id, followup_id):
    """helpdesk lets a superuser erase a follow-up; the record keeps it.
    A follow-up is corrected by editing it, which keeps the original."""
    scope.get_visible_ticket_or_404(request.user, ticket_id)
    messages.error(
        request,
        _("Follow-ups are never deleted. Edit it instead: the original is kept in the history."),
    )
    return redirect("helpdesk:view", ticket_id=ticket_id)


@login_required
def refuse_attachment_delete(request, ticket_id, attachment_id):
    """Attachments belong to the record of how the ticket was handled."""
    scope.get_visible_ticket_or_404(request.user, ticket_id)
    messages.error(request, _("Attachments are part of the ticket's record and cannot be deleted."))
    return redirect("helpdesk:view", ticket_id=ticket_id)
