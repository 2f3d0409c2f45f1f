import logging

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.views.defaults import bad_request

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
    """Turns malformed input to django-helpdesk's staff views into a 400.

    Several of its views parse form values with int() and let the ValueError
    escape (a 500). We do not fork those views; a value that cannot be parsed
    is the client's error, so it is answered as one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if match is None or match.namespace != "helpdesk":
            return None
        if not isinstance(exception, ValueError | TypeError):
            return None
        logger.warning("bad input to %s: %s", request.path, exception)
        return bad_request(request, exception)
