"""The chat over plain HTTP: the same services as the socket, for browsers
whose websockets are blocked and for posting images."""

import functools
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk_site.chat import selectors, services
from helpdesk_site.chat.errors import ChatRefused
from helpdesk_site.chat.templatetags.chat import connection_strings
from helpdesk_site.tickets import scope


def json_endpoint(view):
    """The chat's HTTP endpoints answer JSON whatever the input: a refusal
    with its status, a body too large 413, a body that cannot be read 400."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ChatRefused as refusal:
            return JsonResponse(refusal.as_dict(), status=refusal.status)
        except RequestDataTooBig:
            refusal = ChatRefused("too_long", _("The request is too large."), status=413)
            return JsonResponse(refusal.as_dict(), status=413)
        except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
            refusal = ChatRefused("invalid", _("The request could not be read."))
            return JsonResponse(refusal.as_dict(), status=400)

    return wrapped


def _whole_number(value, name) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= selectors.MAX_ID:
        raise ChatRefused("invalid", _("%(name)s must be a whole number.") % {"name": name})
    return number


def _fields(request) -> dict:
    """Form fields, or a JSON object's, whichever the client sent."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, RecursionError):
            # ValueError covers bytes that are not UTF-8; RecursionError, arrays
            # nested thousands deep.
            raise ChatRefused("invalid", _("The request is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise ChatRefused("invalid", _("The request must be a JSON object."))
        return data
    return request.POST


@login_required
@json_endpoint
@require_http_methods(["GET", "POST"])
def messages(request, ticket_id):
    if request.method == "GET":
        after = _whole_number(request.GET.get("after", "0"), "after")
        found, more = selectors.messages_after(request.user, ticket_id, after)
        reads = selectors.read_marks(request.user, ticket_id)
        answer = {"after": after, "messages": found, "more": more, "reads": reads}
        # The portal's panel without a socket asks for the public replies too.
        if "replies_after" in request.GET:
            replies_after = _whole_number(request.GET["replies_after"], "replies_after")
            replies, more, cursor = selectors.replies_after(request.user, ticket_id, replies_after)
            answer.update(replies=replies, replies_more=more, replies_cursor=cursor)
        return JsonResponse(answer)
    fields = _fields(request)
    posted = services.post_message(
        request.user,
        ticket_id,
        fields.get("body", ""),
        image=request.FILES.get("image"),
        client_id=fields.get("client_id"),
    )
    return JsonResponse(
        {"message": posted.payload, "live": posted.broadcast, "replayed": posted.replayed},
        status=200 if posted.replayed else 201,
    )


@login_required
@json_endpoint
@require_POST
def read(request, ticket_id):
    up_to = _whole_number(_fields(request).get("up_to"), "up_to")
    return JsonResponse({"up_to": services.mark_read(request.user, ticket_id, up_to)})


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
