from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.notices import selectors, services
from sla.selectors import reads_sla


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notices:list")


@login_required
def notice_list(request):
    page = selectors.grouped_page(request.user, request.GET.get("page"))
    return render(
        request,
        "notices/list.html",
        {
            "page": page,
            "unread": selectors.unread_count(request.user),
            # Staff confirm escalations (the log records it); reporters just read.
            "acknowledges": reads_sla(request.user),
        },
    )


@login_required
@require_POST
def mark_read(request, notice_id):
    services.mark_read(request.user, notice_id=notice_id)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    """All of the user's notices, or with `ticket` only that ticket's."""
    ticket = request.POST.get("ticket", "")
    if ticket and not ticket.isdigit():
        return HttpResponseBadRequest(_("Not a ticket number."))
    services.mark_read(request.user, ticket_id=int(ticket) if ticket else None)
    return _back(request)
