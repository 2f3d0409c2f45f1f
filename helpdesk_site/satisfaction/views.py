from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.satisfaction import selectors, services
from helpdesk_site.satisfaction.forms import FollowUpStepForm, RatingForm
from helpdesk_site.tickets import idempotency, scope


def _once(request, form, action, perform, location):
    """Make a form's change once per submit token (see tickets/idempotency.py)."""
    token = form.cleaned_data.pop(idempotency.TOKEN_FIELD)

    def change():
        perform(**form.cleaned_data)
        return idempotency.Outcome.redirect(location)

    return idempotency.once(
        user=request.user, key=token, action=action, data=request.POST, perform=change
    )


@login_required
@require_POST
def rate(request, ticket_id):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        if idempotency.TOKEN_FIELD in form.errors:
            messages.error(request, idempotency.INVALID_KEY_MESSAGE)
        else:
            messages.error(request, _("Choose one of the five ratings."))
        return redirect("tickets:detail", ticket_id=ticket.pk)

    def rate(**fields):
        services.rate_ticket(ticket, request.user, **fields)

    try:
        location = reverse("tickets:detail", args=[ticket.pk])
        _once(request, form, f"satisfaction.rate:{ticket.pk}", rate, location)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except idempotency.KeyReused:
        messages.error(request, idempotency.REUSED_MESSAGE)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("tickets:detail", ticket_id=ticket.pk)


def _supervisor_only(user):
    if scope.supervised_region(user) is None:
        raise PermissionDenied(_("Only supervisors follow up 差评."))


@login_required
def follow_up_list(request):
    _supervisor_only(request.user)
    tasks = selectors.follow_ups_for(request.user)
    if request.GET.get("open") == "1":
        tasks = tasks.filter(rectified_at__isnull=True)
    return render(request, "satisfaction/follow_up_list.html", {"tasks": tasks[:500]})


@login_required
def follow_up_detail(request, pk):
    _supervisor_only(request.user)
    task = get_object_or_404(selectors.follow_ups_for(request.user), pk=pk)
    form = FollowUpStepForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():

            def record(**fields):
                services.record_follow_up(task, request.user, **fields)

            try:
                _once(request, form, f"satisfaction.follow_up:{task.pk}", record, request.path)
            except ValidationError as error:
                form.add_error(None, error)
            except idempotency.KeyReused:
                form.add_error(None, idempotency.REUSED_MESSAGE)
            else:
                messages.success(request, _("Recorded."))
                return redirect("satisfaction:follow_up", pk=task.pk)
        status = 400
    next_step = next(
        (s for s, (at, *_rest) in services.STEPS.items() if getattr(task, at) is None), None
    )
    return render(
        request,
        "satisfaction/follow_up_detail.html",
        {"task": task, "form": form, "next_step": next_step},
        status=status,
    )
