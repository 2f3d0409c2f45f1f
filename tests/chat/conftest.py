import asyncio
import gc
from dataclasses import dataclass
from importlib import import_module

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections
from django.test import Client

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem
from tests.factories import (
    DepartmentFactory,
    OperatorFactory,
    UserFactory,
    file_ticket,
    region,
)


@dataclass
class Room:
    """A ticket filed by a clerk, with the people around it."""

    ticket: object
    filer: object
    colleague: object
    operator: object
    supervisor: object
    outsiders: dict


@pytest.fixture(autouse=True)
def _fresh_budgets():
    """Budgets counted in the process (chat.ratelimit) outlive a test, as the
    cache's are cleared between tests (tests/conftest.py); user ids may be reused."""
    from helpdesk_site.chat import ratelimit

    ratelimit.local_budgets.clear()


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    # Pages render without `collectstatic` having been run (a fresh clone).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def room(db):
    township = region("513301001", "炉城街道")
    department = DepartmentFactory(name="炉城街道便民服务中心", region=township)
    filer = UserFactory(department=department, first_name="卓玛")
    ticket = file_ticket(filer)
    luding = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    return Room(
        ticket=ticket,
        filer=filer,
        colleague=UserFactory(department=department, first_name="扎西"),
        operator=OperatorFactory(
            subsystems=Subsystem.objects.filter(code="e_license"), first_name="运维"
        ),
        supervisor=UserFactory(
            role=Role.SUPERVISOR, department=department, supervised_region=region("513301")
        ),
        outsiders={
            "reporter of another county": UserFactory(department=luding),
            "reporter of another department": UserFactory(
                department=DepartmentFactory(name="康定市市场监督管理局", region=region("513301"))
            ),
            "operator of other queues": OperatorFactory(
                subsystems=Subsystem.objects.exclude(code="e_license")
            ),
            "supervisor of another county": UserFactory(
                role=Role.SUPERVISOR, department=luding, supervised_region=region("513322")
            ),
        },
    )


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def log_out(session_key: str) -> None:
    """What logging out in another tab does to the session, whatever engine
    keeps it (the database, or Redis in front of it)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore(session_key).delete()


@pytest_asyncio.fixture
async def close_socket_connections():
    """Consumers use the database from asgiref's worker threads; close what
    those threads left open so the test database can be dropped."""
    yield
    await database_sync_to_async(connections.close_all)()
    # The pool threads' connections go when their threads do.
    await asyncio.get_running_loop().shutdown_default_executor()
    gc.collect()


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def django_redis_caches(url: str) -> dict:
    """The shared cache as production runs it: django-redis, with a dead Redis
    read as a miss."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }


@pytest.fixture
def django_redis_cache(settings):
    """django-redis on the test run's own Redis (REDIS_URL)."""
    import os

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL (a real Redis)")
    settings.CACHES = django_redis_caches(os.environ["REDIS_URL"])
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def redis_down(settings):
    """Everything that uses Redis pointed at a port where nothing answers:
    the cache (django-redis, so sessions read through to the database), the
    sessions in front of the database, and the channel layer."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = django_redis_caches(url)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "helpdesk_site.chat.pubsub.ChatChannelLayer",
            "CONFIG": {"hosts": [url], "watch_seconds": 0.5},
        }
    }
    return url
