"""The escalation ladder climbs by itself, once per step, however it is run."""

import asyncio
import threading

import pytest
from django.core import mail
from django.db import connection
from helpdesk.models import Ticket

from helpdesk_site.notices import services as notices
from helpdesk_site.notices.models import Notice
from helpdesk_site.outbox import services as outbox
from helpdesk_site.outbox.models import Kind, Message, State
from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from sla import services
from sla.models import EscalationEvent, HandlingLogEntry, LogKind, SlaClock, TeamLead
from tests.factories import OperatorFactory, UserFactory
from tests.sla.conftest import at


@pytest.fixture
def people(db):
    lead = OperatorFactory(username="lead", email="lead@example.invalid")
    TeamLead.objects.create(user=lead)
    county = UserFactory(
        username="kd_sup", role=Role.SUPERVISOR, supervised_region=Region.objects.get(code="513301")
    )
    prefecture = UserFactory(
        username="gz_sup", role=Role.SUPERVISOR, supervised_region=Region.objects.get(code="513300")
    )
    return {"lead": lead, "county": county, "prefecture": prefecture}


def notified(user):
    return Notice.objects.filter(recipient=user).count()


@pytest.mark.django_db
def test_the_response_ladder_fires_once_however_often_it_is_swept(
    file_at, people, django_capture_on_commit_callbacks
):
    ticket = file_at("2025-09-30 09:00")  # fault P3: response 120 working minutes
    assert services.sweep(at("2025-09-30 10:30")) == 0
    with django_capture_on_commit_callbacks(execute=True):
        fired = services.sweep(at("2025-09-30 11:00"))
    assert fired == 2  # 80%: the assignee (nobody yet, so the lead); 100%: the lead
    # Both steps at once: one notice to the lead, with the share really used.
    assert notified(people["lead"]) == 1
    assert "100%" in Notice.objects.get(recipient=people["lead"]).message
    to_lead = [m for m in mail.outbox if m.to == ["lead@example.invalid"]]
    assert len(to_lead) == 1 and f"#{ticket.pk}" in to_lead[0].body
    assert services.sweep(at("2025-09-30 11:00")) == 0
    assert services.sweep(at("2025-09-30 17:00")) == 0
    assert notified(people["lead"]) == 1
    response = SlaClock.objects.get(ticket=ticket, kind="response")
    assert response.level_percent == 100 and response.breached_at == at("2025-09-30 11:00")
    assert HandlingLogEntry.objects.filter(ticket=ticket, kind=LogKind.BREACHED).count() == 1


@pytest.mark.django_db
def test_a_worker_killed_after_the_sweep_commits_loses_no_mail(file_at, people):
    """The sweep runs here with no on-commit hooks, as when its worker is
    killed right after a batch commits: every e-mail and console notice of the
    batch is in the outbox all the same, and goes out once."""
    ticket = file_at("2025-09-30 09:00")
    mail.outbox.clear()  # the filing's own e-mail
    assert services.sweep(at("2025-09-30 11:00")) == 2
    waiting = Message.objects.filter(state=State.PENDING)
    assert waiting.filter(kind=Kind.MAIL).count() == 1
    assert waiting.filter(key__startswith="sla.console:").count() == 1
    assert waiting.filter(key__startswith="notices.push:").count() == 1
    assert mail.outbox == []
    assert outbox.deliver(now=at("2025-09-30 11:05")) == {"delivered": 3}
    assert outbox.deliver(now=at("2025-09-30 11:05")) == {}
    to_lead = [m for m in mail.outbox if m.to == ["lead@example.invalid"]]
    assert len(to_lead) == 1 and f"#{ticket.pk}" in to_lead[0].body


@pytest.mark.django_db
def test_a_late_resolution_reaches_the_supervisors_and_raises_priority(file_at, people):
    ticket = file_at("2025-09-30 09:00")  # resolution 1260 working minutes, due 10-11 12:00
    services.sweep(at("2025-10-11 12:00"))
    ticket.refresh_from_db()
    assert ticket.priority == 2
    assert notified(people["county"]) == 1 and notified(people["prefecture"]) == 0
    escalations = HandlingLogEntry.objects.filter(ticket=ticket, kind=LogKind.ESCALATED)
    percents = sorted({e.data["percent"] for e in escalations if e.clock == "resolution"})
    assert percents == [50, 80, 100]
    county_step = next(e for e in escalations if e.data["action"] == "notify_county")
    assert county_step.data["notified"] == ["kd_sup"]
    # Re-targeted to P2 (840 minutes): already past, and breached once only.
    resolution = SlaClock.objects.get(ticket=ticket, kind="resolution")
    assert resolution.target_minutes == 840 and resolution.breached_at is not None
    # 840 working minutes after filing: 09-30 and 10-09, both whole days.
    assert resolution.due_at == at("2025-10-09 18:00")
    assert LogKind.PRIORITY_CHANGED in escalations.model.objects.filter(ticket=ticket).values_list(
        "kind", flat=True
    )
    # 150% of 840 (1260) is where it already is: the next sweep finishes the ladder.
    services.sweep(at("2025-10-11 12:01"))
    ticket.refresh_from_db()
    assert notified(people["prefecture"]) == 1 and ticket.assigned_to == people["lead"]
    assert services.sweep(at("2025-10-20 12:00")) == 0


@pytest.mark.django_db
def test_paused_and_stopped_clocks_do_not_escalate(file_at, people, now):
    paused = file_at("2025-09-30 09:00")
    now.set("2025-09-30 09:10")
    services.set_on_hold(paused, people["lead"], on_hold=True, reason="等待申报人补充材料")
    resolved = file_at("2025-09-30 09:00", category="consultation")
    services.record_resolution(resolved, people["lead"], root_cause="", fix="")
    assert services.sweep(at("2025-12-31 12:00")) == 0
    assert not EscalationEvent.objects.exists()


@pytest.mark.django_db
def test_acknowledging_an_escalation_is_logged(file_at, people):
    ticket = file_at("2025-09-30 09:00")
    services.sweep(at("2025-09-30 11:00"))
    notification = Notice.objects.filter(recipient=people["lead"]).first()
    notices.mark_read(people["county"], notice_id=notification.pk)  # not theirs: nothing happens
    assert not HandlingLogEntry.objects.filter(kind=LogKind.ACKNOWLEDGED).exists()
    notices.mark_read(people["lead"], notice_id=notification.pk)
    notices.mark_read(people["lead"], notice_id=notification.pk)
    entry = HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.ACKNOWLEDGED)
    assert entry.actor == people["lead"]


@pytest.mark.django_db
def test_a_sweep_that_crashes_half_way_leaves_nothing_behind(file_at, people, monkeypatch):
    file_at("2025-09-30 09:00")

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "_escalate", crash)
    with pytest.raises(RuntimeError):
        services.sweep(at("2025-09-30 11:00"))
    assert not EscalationEvent.objects.exists()
    monkeypatch.undo()
    assert services.sweep(at("2025-09-30 11:00")) == 2


@pytest.mark.django_db
def test_the_database_refuses_a_step_twice(file_at, people):
    ticket = file_at("2025-09-30 09:00")
    clock = SlaClock.objects.get(ticket=ticket, kind="response")
    step = clock.policy.ladder.steps.filter(clock="response").first()
    row = (clock.pk, clock.cycle, step.pk, at("2025-09-30 11:00"))
    assert len(services._insert_events([row])) == 1
    assert services._insert_events([row, row]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_fire_each_step_once(file_at, people):
    tickets = [file_at("2025-09-30 09:00") for _ in range(30)]
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(services.sweep(at("2025-09-30 11:00"), batch_size=7))
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 2 * len(tickets)
    assert EscalationEvent.objects.count() == 2 * len(tickets)
    # Both steps of a clock that fire together make one notice per person.
    assert notified(people["lead"]) == len(tickets)
    assert Ticket.objects.count() == len(tickets)


@pytest.mark.django_db
def test_escalations_reach_the_operator_consoles_live(
    file_at, people, django_capture_on_commit_callbacks
):
    """One console event per operator per sweep, naming every ticket they may see."""
    from asgiref.sync import async_to_sync, sync_to_async
    from channels.layers import get_channel_layer

    from helpdesk_site.chat.layer import console_user_group

    layer = get_channel_layer()
    tickets = [file_at("2025-09-30 09:00"), file_at("2025-09-30 09:00")]
    group = console_user_group(people["lead"].pk)

    def sweep():
        with django_capture_on_commit_callbacks(execute=True):
            services.sweep(at("2025-09-30 11:00"))

    async def console_events():
        # One event loop throughout, as in daphne: a console's channel lives in its loop.
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            await sync_to_async(sweep)()
            events = []
            while not any(e["type"] == "console.notices" for e in events) and len(events) < 10:
                events.append(await asyncio.wait_for(layer.receive(channel), timeout=5))
            # Nothing more about the same sweep.
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(layer.receive(channel), timeout=0.5)
        finally:
            await layer.group_discard(group, channel)
        return events

    events = async_to_sync(console_events)()
    event = next(e for e in events if e["type"] == "console.notices")
    assert event["kind"] == "escalation"
    assert [n["ticket"]["id"] for n in event["notices"]] == [t.pk for t in tickets]
    assert all(f"#{n['ticket']['id']}" in n["message"] for n in event["notices"])
