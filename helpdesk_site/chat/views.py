"""The chat over plain HTTP: the same services as the socket, for browsers
whose websockets are blocked and for posting images."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk_site.chat import selectors, services
from helpdesk_site.chat.errors import ChatRefused
from helpdesk_site.chat.templatetags.chat import connection_strings
from helpdesk_site.tickets import scope


def _refused(refusal: ChatRefused) -> JsonResponse:
    return JsonResponse(refusal.as_dict(), status=refusal.status)


def _whole_number(value, name) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ChatRefused("invalid", _("%(name)s must be a whole number.") % {"name": name})
    return number


def _fields(request) -> dict:
    """Form fields, or a JSON object's, whichever the client sent."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ChatRefused("invalid", _("The request is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise ChatRefused("invalid", _("The request must be a JSON object."))
        return data
    return request.POST


@login_required
@require_http_methods(["GET", "POST"])
def messages(request, ticket_id):
    try:
        if request.method == "GET":
            after = _whole_number(request.GET.get("after", "0"), "after")
            found, more = selectors.messages_after(request.user, ticket_id, after)
            reads = selectors.read_marks(request.user, ticket_id)
            return JsonResponse({"messages": found, "more": more, "reads": reads})
        fields = _fields(request)
        posted = services.post_message(
            request.user, ticket_id, fields.get("body", ""), image=request.FILES.get("image")
        )
        return JsonResponse({"message": posted.payload, "live": posted.broadcast}, status=201)
    except ChatRefused as refusal:
        return _refused(refusal)


@login_required
@require_POST
def read(request, ticket_id):
    try:
        up_to = _whole_number(_fields(request).get("up_to"), "up_to")
        return JsonResponse({"up_to": services.mark_read(request.user, ticket_id, up_to)})
    except ChatRefused as refusal:
        return _refused(refusal)


@login_required
@require_GET
def console(request):
    if not scope.works_tickets(request.user):
        raise PermissionDenied(_("The chat console is for operators."))
    return render(
        request,
        "chat/console.html",
        {
            "conversations": selectors.conversations(request.user),
            "new_tickets": selectors.new_tickets(request.user),
            "strings": connection_strings(),
        },
    )


@login_required
@require_GET
def console_feed(request):
    """The console's lists as JSON, polled when websockets are blocked."""
    if not scope.works_tickets(request.user):
        return JsonResponse(
            {"error": "forbidden", "message": _("The chat console is for operators.")}, status=403
        )
    return JsonResponse(
        {
            "conversations": selectors.conversations(request.user),
            "new_tickets": selectors.new_tickets(request.user),
        }
    )
