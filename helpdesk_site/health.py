"""`/healthz/`: each dependency's state, for container health checks and
monitoring. Only the database is needed to serve a request (Redis down means
no live chat and slower pages, not errors), so only the database makes it 503."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("helpdesk_site.degraded")

OK, DOWN = "ok", "down"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.warning("health: database unreachable", exc_info=True)
        return DOWN
    return OK


def _redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    from django_redis import get_redis_connection

    try:
        get_redis_connection("default").ping()
    except Exception:
        logger.warning("health: Redis unreachable", exc_info=True)
        return DOWN
    return OK


def _elasticsearch() -> str | None:
    if not settings.ELASTICSEARCH_URL:
        return None
    from kb.search import elastic

    try:
        return OK if elastic.client().ping() else DOWN
    except Exception:
        logger.warning("health: Elasticsearch unreachable", exc_info=True)
        return DOWN


def dependencies() -> dict[str, str]:
    found = {"database": _database(), "redis": _redis(), "elasticsearch": _elasticsearch()}
    return {name: state for name, state in found.items() if state is not None}


@never_cache
def healthz(request):
    found = dependencies()
    if found["database"] == DOWN:
        status, code = "unavailable", 503
    elif DOWN in found.values():
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    response = JsonResponse({"status": status, "dependencies": found}, status=code)
    if code == 503:
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response
