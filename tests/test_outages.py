"""What users get while Redis or the database is down, and after: pages keep
working without Redis; without the database a 503 that says when to retry."""

import contextlib

import pytest
from django.db import connection
from django.urls import reverse
from helpdesk.models import Ticket

from helpdesk_site import settings as site_settings
from helpdesk_site.tickets.models import Subsystem
from tests.factories import PASSWORD, UserFactory, file_ticket, get_subsystem

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    """The production cache configuration, pointed at a port where nothing listens."""
    settings.CACHES = {"default": site_settings.redis_cache(DEAD_REDIS)}
    settings.REDIS_URL = DEAD_REDIS


# SQLite is a file beside the process, not a server that goes away (and the
# test run's in-memory SQLite cannot be closed and reopened).
needs_a_database_server = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a database server to lose"
)


@contextlib.contextmanager
def database_unreachable():
    """Point the real connection at a server that is not there, then back."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=1)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _filing_form(**overrides):
    return {
        "subsystem": Subsystem.objects.get(code="e_license").pk,
        "category": "fault",
        "priority": "3",
        "title": "Redis 停机时提交的工单",
        "description": "缓存服务不可用时也应能提交。",
        "contact_phone": "0836-2812345",
        **overrides,
    }


@pytest.mark.django_db
def test_with_redis_down_a_clerk_logs_in_files_comments_and_reads(client, redis_down):
    clerk = UserFactory()
    get_subsystem("e_license")

    response = client.post(
        reverse("login"), {"username": clerk.username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"] == clerk

    response = client.post(reverse("tickets:new"), _filing_form())
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="Redis 停机时提交的工单")
    assert client.get(reverse("tickets:list")).status_code == 200
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 200

    response = client.post(
        reverse("tickets:comment", args=[ticket.pk]), {"comment": "补充：截图见附件。"}
    )
    assert response.status_code == 302
    assert ticket.followup_set.filter(comment="补充：截图见附件。").exists()
    assert client.get("/api/tickets/").status_code == 200


@pytest.mark.django_db
def test_healthz_reports_redis_down_as_degraded_not_failed(client, redis_down):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "dependencies": {"database": "ok", "redis": "down"},
    }


@pytest.fixture
def client(client):
    # Answer as a server would, rather than re-raise the error into the test.
    client.raise_request_exception = False
    return client


@needs_a_database_server
@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_pages_answer_503_in_chinese_and_recover(client):
    clerk = UserFactory()
    ticket = file_ticket(clerk)
    client.force_login(clerk)

    with database_unreachable():
        page = client.get(reverse("tickets:detail", args=[ticket.pk]))
        api = client.get("/api/tickets/", HTTP_ACCEPT="application/json")
        health = client.get("/healthz/")

    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "服务暂时不可用" in page.content.decode()
    assert api.status_code == 503
    assert api["Content-Type"] == "application/json"
    assert api.json()["code"] == "service_unavailable"
    assert health.status_code == 503
    assert health.json()["dependencies"]["database"] == "down"

    # Back without a restart: the next request connects again.
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 200
    assert client.get("/healthz/").json()["status"] == "ok"


@needs_a_database_server
@pytest.mark.django_db(transaction=True)
def test_a_filing_posted_while_the_database_is_down_is_refused_whole(client):
    clerk = UserFactory()
    get_subsystem("e_license")
    client.force_login(clerk)
    form = _filing_form(title="数据库重启时提交")

    with database_unreachable():
        response = client.post(reverse("tickets:new"), form)

    assert response.status_code == 503
    assert not Ticket.objects.filter(title="数据库重启时提交").exists()
    assert client.post(reverse("tickets:new"), form).status_code == 302
    assert Ticket.objects.filter(title="数据库重启时提交").count() == 1
