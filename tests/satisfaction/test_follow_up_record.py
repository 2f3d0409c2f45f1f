"""A 差评's follow-up keeps its own record: its steps and reminders are not
escalations of the SLA ladder, and its e-mail waits in the outbox."""

import contextlib
import importlib

import pgtrigger
import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from helpdesk_site.audit import sqlite as append_only_on_sqlite
from helpdesk_site.outbox import services as outbox
from helpdesk_site.outbox.models import Message, State
from helpdesk_site.satisfaction import services
from helpdesk_site.satisfaction.models import BadRatingFollowUp
from reporting.documents import LOG_LABELS
from sla.models import HandlingLogEntry, LogKind
from tests.factories import supervisor
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def log_not_yet_append_only():
    """The log as the migration found it: the append-only triggers come after it."""
    if connection.vendor == "sqlite":
        append_only_on_sqlite.drop(connection)
        try:
            yield
        finally:
            append_only_on_sqlite.install(connection)
    else:
        with pgtrigger.ignore("sla.HandlingLogEntry:append_only"):
            yield


@pytest.fixture
def bad_rating(file_at, resolve_at, kangding_reporter, now):
    ticket = resolve_at(file_at(kangding_reporter, "2025-09-24 10:00"), "2025-09-25 11:00")
    now.set("2025-09-26 10:00")
    services.rate_ticket(ticket, kangding_reporter, score=1, comment="没人回电话")
    return BadRatingFollowUp.objects.get()


def follow_up_log(task):
    return list(
        HandlingLogEntry.objects.filter(ticket_id=task.ticket_id)
        .exclude(kind__in=[LogKind.FILED, LogKind.RESOLVED, LogKind.FIRST_RESPONSE])
        .values_list("kind", flat=True)
    )


def test_the_steps_are_logged_as_the_follow_up_not_as_escalations(client, bad_rating):
    county = supervisor("513301")
    client.force_login(county)
    url = reverse("satisfaction:follow_up", args=[bad_rating.pk])
    for step, text in (("verify", "属实"), ("call_back", "已电话回访"), ("rectify", "已培训")):
        assert client.post(url, {"step": step, "text": text}).status_code == 302
    assert follow_up_log(bad_rating) == [
        LogKind.RATING_VERIFIED,
        LogKind.RATING_CALLED_BACK,
        LogKind.RATING_RECTIFIED,
    ]
    page = client.get(reverse("tickets:detail", args=[bad_rating.ticket_id])).content.decode()
    log = page[page.index('id="handling-log"') :]
    assert "差评已核实" in log and "差评已回访" in log and "差评已整改" in log
    assert "升级已确认" not in log


def test_reminders_and_overdue_follow_ups_are_not_sla_escalations(bad_rating):
    assert services.sweep(now=at("2025-10-20 09:00")) == 1
    assert services.sweep(now=at("2025-10-23 18:01")) == 1
    assert follow_up_log(bad_rating) == [LogKind.RATING_REMINDED, LogKind.RATING_OVERDUE]


def test_a_bad_ratings_mail_waits_in_the_outbox_until_delivered(
    file_at, resolve_at, now, kangding_reporter
):
    county = supervisor("513301", email="kd@example.invalid")
    ticket = resolve_at(file_at(kangding_reporter, "2025-09-24 10:00"), "2025-09-25 11:00")
    outbox.deliver()
    mail.outbox.clear()
    now.set("2025-09-26 10:00")
    # No on-commit hook runs here: as if the process died right after the commit.
    services.rate_ticket(ticket, kangding_reporter, score=2)
    assert Message.objects.filter(state=State.PENDING, payload__to=[county.email]).exists()
    assert mail.outbox == []
    # The county supervisor's task, and the reporter's notice that it was taken up.
    assert outbox.deliver() == {"delivered": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([county.email, kangding_reporter.email])


def test_the_word_report_names_every_kind_of_log_line():
    assert set(LOG_LABELS) == set(LogKind)
    assert LOG_LABELS[LogKind.RATING_CALLED_BACK] == "差评回访"


def test_lines_written_before_get_their_own_kind(bad_rating):
    """The migration gives the follow-up's earlier lines, written under
    escalation kinds, the kinds they mean."""
    old = [
        ("acknowledged", {"bad_rating_follow_up": bad_rating.pk, "step": "verify"}),
        ("acknowledged", {"bad_rating_follow_up": bad_rating.pk, "step": "call_back"}),
        ("escalated", {"bad_rating_follow_up": bad_rating.pk, "percent": 80}),
        ("escalated", {"bad_rating_follow_up": bad_rating.pk, "percent": 100}),
        ("acknowledged", {"escalation": 7}),
        ("escalated", {"percent": 80, "action": "notify_assignee"}),
    ]
    for kind, data in old:
        HandlingLogEntry.objects.create(
            ticket_id=bad_rating.ticket_id, kind=kind, data=data, at=at("2025-09-27 10:00")
        )
    migration = importlib.import_module("sla.migrations.0002_handling_log_follow_up_kinds")
    state = MigrationLoader(connection).project_state(("sla", "0002_handling_log_follow_up_kinds"))
    with log_not_yet_append_only():
        migration.own_kinds(state.apps, None)
    assert follow_up_log(bad_rating) == [
        LogKind.RATING_VERIFIED,
        LogKind.RATING_CALLED_BACK,
        LogKind.RATING_REMINDED,
        LogKind.RATING_OVERDUE,
        LogKind.ACKNOWLEDGED,
        LogKind.ESCALATED,
    ]
