"""Who is making the current request, for the fault-handling log.

django-helpdesk's staff views save tickets without saying who did it (its hold
view saves before it writes the follow-up), so the handlers ask here.
"""

from contextvars import ContextVar

# The request, not request.user: asgiref inspects context variables when it
# switches threads, and touching the lazy user there would query the database
# from the event loop.
_current_request = ContextVar("sla_current_request", default=None)


def current_user():
    user = getattr(_current_request.get(), "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class CurrentUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
