from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.chat import ratelimit
from helpdesk_site.people import selectors, services
from helpdesk_site.people.addresses import client_address
from helpdesk_site.people.forms import OutboxPasswordResetForm
from helpdesk_site.tickets import idempotency, scope
from sla import selectors as sla_selectors
from sla import services as sla_services
from sla.forms import TeamLeadForm

PAGE_SIZE = 30


@login_required
def accounts(request):
    """The accounts whose password this administrator or supervisor may reset."""
    if not selectors.manages_accounts(request.user):
        raise PermissionDenied(_("Only administrators and supervisors manage accounts."))
    users = selectors.resettable_users(request.user)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
        )
    page = Paginator(users.select_related("department").order_by("username"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    names_leads = scope.may_name_team_leads(request.user)
    return render(
        request,
        "people/accounts.html",
        {
            "page": page,
            "query": query,
            "team_leads": sla_selectors.team_lead_rows() if names_leads else None,
            "lead_candidates": scope.team_lead_candidates() if names_leads else None,
        },
    )


@login_required
@require_POST
def name_team_lead(request):
    """An administrator or the prefecture's supervisor names the operator
    team lead (运维组长) of a subsystem, or of all the others."""
    form = TeamLeadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a subsystem and an operator from the lists."))
        return redirect(f"{reverse('accounts')}#team-leads")
    subsystem, user = form.cleaned_data["subsystem"], form.cleaned_data["user"]
    try:
        sla_services.name_team_lead(request.user, subsystem=subsystem, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        where = subsystem.name if subsystem else _("every other subsystem")
        if user is None:
            messages.success(request, _("No team lead for %(where)s now.") % {"where": where})
        else:
            messages.success(
                request,
                _("%(name)s is now the team lead for %(where)s.")
                % {"name": user.display_name(), "where": where},
            )
    return redirect(f"{reverse('accounts')}#team-leads")


@login_required
@require_POST
def reset_password(request, user_id):
    """Reset once per form: a double click or a reload of the answer must not
    make a second password after the first was read out to the person. The
    repeat is told so, without the password (which is never stored)."""
    user = get_object_or_404(selectors.resettable_users(request.user), pk=user_id)
    token = request.POST.get(idempotency.TOKEN_FIELD, "")
    if token and not idempotency.valid_key(token):
        messages.error(request, idempotency.INVALID_KEY_MESSAGE)
        return render(request, "people/one_time_password.html", {"account": user}, status=400)
    made = {}

    def reset():
        made["password"] = services.reset_to_one_time_password(request.user, user)
        return idempotency.Outcome(200, body={"account": user.pk})

    try:
        idempotency.once(
            user=request.user,
            key=token,
            action=f"people.reset_password:{user.pk}",
            data=request.POST,
            perform=reset,
        )
    except idempotency.KeyReused:
        messages.error(request, idempotency.REUSED_MESSAGE)
        return render(request, "people/one_time_password.html", {"account": user}, status=400)
    return render(
        request,
        "people/one_time_password.html",
        {"account": user, "password": made.get("password"), "repeated": "password" not in made},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, which also ends the one-time password's hold on the account."""

    template_name = "people/password_change_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's e-mail reset, where e-mail is configured. The same answer
    whether or not the address belongs to anyone; a few requests per address
    and per client only, so it cannot be used to flood an inbox either."""

    form_class = OutboxPasswordResetForm
    template_name = "people/password_reset_form.html"
    email_template_name = "people/password_reset_email.txt"
    subject_template_name = "people/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_RESET_BY_EMAIL:
            return render(request, "people/password_reset_unavailable.html", status=404)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        limit, window = settings.PASSWORD_RESET_LIMIT, settings.PASSWORD_RESET_WINDOW
        address = client_address(self.request) or "unknown"
        email = form.cleaned_data["email"].strip().lower()
        by_client = ratelimit.hit(f"password-reset:address:{address}", limit, window)
        if not by_client.allowed:
            response = render(
                self.request,
                "people/password_reset_form.html",
                {"form": form, "too_many": True},
                status=429,
            )
            response["Retry-After"] = str(by_client.retry_after)
            return response
        if not ratelimit.hit(f"password-reset:email:{email}", limit, window).allowed:
            # Answered as if sent: the limit must not tell that the address exists.
            return super(auth_views.PasswordResetView, self).form_valid(form)
        return super().form_valid(form)
