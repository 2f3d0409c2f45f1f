import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DataError, transaction
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.defaults import bad_request
from helpdesk.models import Ticket

from helpdesk_site.tickets import scope

logger = logging.getLogger(__name__)


class TicketScopeMiddleware:
    """Refuses, before any view runs, a URL that names a ticket out of scope.

    This is what keeps django-helpdesk's own views (and any view added later)
    from becoming a side door: they need not remember to check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        names_ticket = "ticket_id" in view_kwargs or any(
            name in view_kwargs for name in scope.TICKET_URL_KWARGS
        )
        if not names_ticket:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope.url_kwargs_in_scope(request.user, view_kwargs):
            raise Http404
        return None


class HelpdeskBadInputMiddleware:
    """Answers malformed input to django-helpdesk's staff views and to the
    admin with a 400, and keeps nothing a failed request wrote.

    Those views trust what they are sent: helpdesk parses form values with
    int(), looks up the owner it is given with .get(), saves a checkbox's
    "on" into a boolean field and a title of any length into a 100-character
    column; the admin's autocomplete widgets look up whatever id they get;
    PostgreSQL refuses a NUL byte or an integer out of range. We do not fork
    those views. What escapes them because of the input is the client's
    error and answered as one (JSON for the JSON API). Each request runs in
    one transaction, rolled back when it fails, so nothing is stored
    half-way; the answer is made after the rollback, when the database can
    be read again.
    """

    NAMESPACES = {"helpdesk", "admin"}
    # Raised by those views, or the database under them, on input they did
    # not check. RecursionError: a deeply nested JSON body.
    BAD_INPUT = (
        ValueError,
        TypeError,
        OverflowError,
        RecursionError,
        ValidationError,
        ObjectDoesNotExist,
        DataError,
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def _guarded(self, request) -> bool:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return match.namespace in self.NAMESPACES

    def __call__(self, request):
        if not self._guarded(request):
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            failure = getattr(response, "bad_input", None)
            if failure is not None or response.status_code >= 500:
                transaction.set_rollback(True)
        if failure is None:
            return response
        if "/api/" in request.path or request.content_type == "application/json":
            return JsonResponse({"detail": _("The request data is not valid.")}, status=400)
        return bad_request(request, failure)

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if match is None or match.namespace not in self.NAMESPACES:
            return None
        if not isinstance(exception, self.BAD_INPUT):
            return None
        logger.warning("bad input to %s: %r", request.path, exception)
        # Answered in __call__, once the transaction is rolled back.
        response = HttpResponseBadRequest()
        response.bad_input = exception
        return response


class HelpdeskForStaffMiddleware:
    """django-helpdesk's pages are the operators' (and administrators'); its
    public pages are nobody's. Everyone else is sent to the portal's page of
    the same ticket (or the portal's home) instead of helpdesk's login
    check, which bounced a logged-in reporter between the page and the
    login. A link to helpdesk's public view, as in helpdesk's own e-mails,
    lands on the portal's page of its ticket, through the login when needed.
    Runs after TicketScopeMiddleware: a ticket out of scope is already a 404."""

    # Its JSON API answers for itself (403), logging out stays possible, its
    # report pages are the site's (which send supervisors to their reports),
    # its knowledge base is everyone's, and the pages made for framing are 404.
    LEFT_ALONE = {
        "logout",
        "api-root",
        "report_index",
        "run_report",
        "kb_index",
        "kb_category",
        "kb_vote",
        "submit_iframe",
        "success_iframe",
        "kb_category_iframe",
    }
    PUBLIC_VIEW = "public_view"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "helpdesk":
            return None
        name = match.url_name or ""
        if name == self.PUBLIC_VIEW:
            return self._public_view(request)
        if name in self.LEFT_ALONE or name.endswith(("-list", "-detail")):
            return None
        user = request.user
        if name == "login" or not user.is_authenticated:
            if name == "login":
                return redirect_to_login(request.GET.get("next") or reverse("home"))
            return None
        if user.is_staff and scope.works_tickets(user):
            return None
        ticket_id = view_kwargs.get("ticket_id")
        if ticket_id is not None:
            return redirect("tickets:detail", ticket_id=ticket_id)
        return redirect("home")

    def _public_view(self, request):
        _queue, ticket_id = Ticket.queue_and_id_from_query(request.GET.get("ticket", ""))
        if not ticket_id.isdigit():
            raise Http404
        portal_page = reverse("tickets:detail", kwargs={"ticket_id": int(ticket_id)})
        if not request.user.is_authenticated:
            return redirect_to_login(portal_page)
        if not scope.can_view_ticket(request.user, int(ticket_id)):
            raise Http404
        return redirect(portal_page)
