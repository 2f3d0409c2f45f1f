import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.tickets import idempotency, scope, selectors, services
from helpdesk_site.tickets.forms import CommentForm, StatusChangeForm, TicketFilingForm

PAGE_SIZE = 25


@login_required
def home(request):
    return redirect("tickets:list")


@login_required
def ticket_list(request):
    tickets, ticket_filter = selectors.ticket_list(request.user, request.GET)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tickets/list.html",
        {"page": page, "filter": ticket_filter, "query": query.urlencode()},
    )


@login_required
def ticket_new(request):
    if request.user.department_id is None:
        raise PermissionDenied(_("Only members of a department can file tickets."))
    form = TicketFilingForm(request.POST or None, request.FILES or None, reporter=request.user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            token = data.pop(idempotency.TOKEN_FIELD)

            def file():
                ticket = services.file_ticket(reporter=request.user, **data)
                return idempotency.Outcome.redirect(_detail_url(ticket), ticket=ticket.pk)

            try:
                outcome = _once(request, token, "tickets.file", file)
            except idempotency.KeyReused:
                form.add_error(None, idempotency.REUSED_MESSAGE)
            else:
                ticket_id = outcome.body["ticket"]
                messages.success(request, _("Ticket #%(id)s has been filed.") % {"id": ticket_id})
                return redirect(outcome.location)
        status = 400
    else:
        status = 200
    return render(request, "tickets/new.html", {"form": form}, status=status)


def _detail_url(ticket) -> str:
    return reverse("tickets:detail", kwargs={"ticket_id": ticket.pk})


def _once(request, token, action, perform) -> idempotency.Outcome:
    """Make a form's change once per submit token (see idempotency.py)."""
    return idempotency.once(
        user=request.user,
        key=token,
        action=action,
        data=request.POST,
        files=request.FILES,
        perform=perform,
    )


@login_required
def ticket_detail(request, ticket_id):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    context = selectors.ticket_page_context(request.user, ticket)
    context["comment_form"] = CommentForm()
    return render(request, "tickets/detail.html", context)


@login_required
@require_POST
def ticket_comment(request, ticket_id):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():

        def comment():
            services.add_comment(
                user=request.user,
                ticket=ticket,
                comment=form.cleaned_data["comment"],
                attachments=form.cleaned_data["attachments"],
            )
            return idempotency.Outcome.redirect(_detail_url(ticket))

        try:
            outcome = _once(
                request, form.cleaned_data["submit_token"], f"tickets.comment:{ticket.pk}", comment
            )
        except idempotency.KeyReused:
            form.add_error(None, idempotency.REUSED_MESSAGE)
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect(outcome.location)
    context = selectors.ticket_page_context(request.user, ticket)
    context["comment_form"] = form
    return render(request, "tickets/detail.html", context, status=400)


def _change_status(request, ticket_id, action, name, done_message):
    ticket = scope.get_visible_ticket_or_404(request.user, ticket_id)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("tickets:detail", ticket_id=ticket.pk)

    def change():
        action(user=request.user, ticket=ticket, comment=form.cleaned_data["comment"])
        return idempotency.Outcome.redirect(_detail_url(ticket))

    try:
        _once(request, form.cleaned_data["submit_token"], f"tickets.{name}:{ticket.pk}", change)
    except idempotency.KeyReused:
        messages.error(request, idempotency.REUSED_MESSAGE)
    else:
        messages.success(request, done_message)
    return redirect("tickets:detail", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_close(request, ticket_id):
    return _change_status(
        request, ticket_id, services.close_ticket, "close", _("The ticket is closed.")
    )


@login_required
@require_POST
def ticket_reopen(request, ticket_id):
    return _change_status(
        request, ticket_id, services.reopen_ticket, "reopen", _("The ticket is reopened.")
    )


@login_required
def protected_media(request, path):
    """Serve an uploaded file only to someone who may see what it is attached to."""
    attachment = scope.visible_attachments(request.user).filter(file=path).first()
    if attachment is None:
        raise Http404
    content_type = attachment.mime_type or mimetypes.guess_type(attachment.filename)[0]
    inline = (content_type or "").startswith("image/") or content_type == "application/pdf"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.filename.rsplit("/", 1)[-1],
        content_type=content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
