"""The site's answer when a request fails on the server's side.

A database that is down or restarting is not a bug in the request: the user
gets a 503 with a time to retry, as a Chinese page or, for the API and the
chat's JSON endpoints, as JSON. Django calls handler500 inside the `except`
block of whatever raised, so the exception is still at hand here, also when it
came from a middleware rather than a view.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

DATABASE_DOWN = (OperationalError, InterfaceError)
JSON_PATH_PREFIXES = ("/api/",)
JSON_PATH_SUFFIXES = ("/chat/messages/", "/chat/read/", "/chat/console/feed/")


def wants_json(request) -> bool:
    path = request.path
    return (
        path.startswith(JSON_PATH_PREFIXES)
        or path.endswith(JSON_PATH_SUFFIXES)
        or "application/json" in request.headers.get("Accept", "")
    )


def _database_down(request) -> HttpResponse:
    if wants_json(request):
        response = JsonResponse(
            {"detail": "服务暂时不可用，请稍后重试。", "code": "service_unavailable"}, status=503
        )
    else:
        # Rendered without the request: its context processors would ask the
        # database for the user.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error(request):
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return _database_down(request)
    if wants_json(request):
        return JsonResponse(
            {"detail": "服务器内部错误，请稍后重试。", "code": "server_error"}, status=500
        )
    return HttpResponse(loader.render_to_string("500.html"), status=500)
