"""Clocks start when a ticket is filed and follow what happens to it."""

import pytest
from django.core.exceptions import ValidationError
from helpdesk.models import Ticket

from helpdesk_site.tickets import services as ticket_services
from helpdesk_site.tickets.models import Category
from sla import services
from sla.models import ClockKind, HandlingLogEntry, Incident, LogKind, SlaClock
from tests.factories import OperatorFactory
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


def clocks(ticket):
    return {c.kind: c for c in SlaClock.objects.filter(ticket=ticket)}


def kinds(ticket):
    return list(HandlingLogEntry.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_a_filed_fault_gets_working_time_targets_across_national_day(file_at):
    ticket = file_at("2025-09-30 16:00", priority=3)
    response, resolution = clocks(ticket)["response"], clocks(ticket)["resolution"]
    assert (response.target_minutes, resolution.target_minutes) == (120, 1260)
    assert response.due_at == at("2025-09-30 18:00")
    # 120 min on 09-30, 840 on 10-09 and 10-10, the last 300 on Saturday 10-11.
    assert resolution.due_at == at("2025-10-11 16:00")
    assert kinds(ticket) == [LogKind.FILED]


def test_an_emergency_runs_around_the_clock_and_opens_an_incident(file_at):
    ticket = file_at("2025-10-01 23:00", priority=1, category=Category.EMERGENCY)
    assert clocks(ticket)["response"].due_at == at("2025-10-01 23:15")
    assert clocks(ticket)["resolution"].due_at == at("2025-10-02 03:00")
    incident = Incident.objects.get(ticket=ticket)
    assert incident.started_at == at("2025-10-01 23:00") and incident.ended_at is None
    assert incident.impact_subsystems.get().code == "e_license"


def test_time_on_hold_never_counts(file_at, now):
    ticket = file_at("2025-09-30 09:00")
    operator = OperatorFactory()
    now.set("2025-09-30 10:00")
    services.set_on_hold(ticket, operator, on_hold=True, reason="等待第三方厂商")
    response = clocks(ticket)["response"]
    assert response.is_paused and response.due_at is None
    assert response.consumed_seconds == 3600
    now.set("2025-10-09 09:00")
    services.set_on_hold(
        Ticket.objects.get(pk=ticket.pk), operator, on_hold=False, reason="厂商已修复"
    )
    assert clocks(ticket)["response"].due_at == at("2025-10-09 10:00")
    paused = HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.PAUSED)
    assert paused.text == "等待第三方厂商" and paused.actor == operator
    assert kinds(ticket)[-1] == LogKind.RESUMED
    assert HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.RESUMED).text == "厂商已修复"


def test_helpdesk_hold_pauses_and_unhold_resumes(file_at, now):
    ticket = file_at("2025-09-30 09:00")
    now.set("2025-09-30 09:30")
    ticket.on_hold = True
    ticket.save()
    assert clocks(ticket)["resolution"].is_paused
    now.set("2025-09-30 14:00")
    ticket.on_hold = False
    ticket.save()
    # 30 minutes used of 120; the rest from 14:00.
    assert clocks(ticket)["response"].due_at == at("2025-09-30 15:30")


def test_raising_priority_retargets_and_keeps_used_time(file_at, now):
    ticket = file_at("2025-09-30 09:00", priority=3)
    now.set("2025-09-30 10:00")
    ticket.priority = 1
    ticket.save()
    resolution = clocks(ticket)["resolution"]
    assert resolution.target_minutes == 420
    # 60 of 420 used; 360 from 10:00 is 10-12 and 14-18.
    assert resolution.due_at == at("2025-09-30 18:00")
    entry = HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.PRIORITY_CHANGED)
    assert (entry.data["old_priority"], entry.data["new_priority"]) == (3, 1)


def test_changing_category_retargets(file_at, now):
    ticket = file_at("2025-09-30 09:00", priority=3)
    now.set("2025-09-30 09:10")
    ticket.details.category = Category.EMERGENCY
    ticket.details.save()
    response = clocks(ticket)["response"]
    assert response.around_the_clock and response.target_minutes == 30
    # 10 of 30 minutes used; the other 20 on the wall clock.
    assert response.due_at == at("2025-09-30 09:30")
    assert LogKind.CATEGORY_CHANGED in kinds(ticket)


def test_first_operator_reply_stops_the_response_clock(
    file_at, now, reporter, django_capture_on_commit_callbacks
):
    ticket = file_at("2025-09-30 09:00")
    operator = OperatorFactory()
    now.set("2025-09-30 09:40")
    ticket_services.add_comment(user=reporter, ticket=ticket, comment="还在等")
    assert clocks(ticket)["response"].stopped_at is None
    now.set("2025-09-30 09:50")
    ticket_services.add_comment(user=operator, ticket=ticket, comment="正在处理")
    response = clocks(ticket)["response"]
    assert response.stopped_at == at("2025-09-30 09:50") and response.breached_at is None
    assert clocks(ticket)["resolution"].stopped_at is None
    entry = HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.FIRST_RESPONSE)
    assert entry.actor == operator


def test_a_late_first_response_is_a_breach(file_at, now):
    ticket = file_at("2025-09-30 09:00")
    now.set("2025-09-30 15:00")
    ticket_services.add_comment(user=OperatorFactory(), ticket=ticket, comment="抱歉久等")
    assert clocks(ticket)["response"].breached_at == at("2025-09-30 11:00")


def test_faults_need_a_root_cause_to_be_resolved(file_at, now):
    ticket = file_at("2025-09-30 09:00")
    operator = OperatorFactory()
    with pytest.raises(ValidationError):
        services.record_resolution(ticket, operator, root_cause=" ", fix="重启服务")
    now.set("2025-09-30 11:00")
    services.record_resolution(ticket, operator, root_cause="证照模板缓存失效", fix="清理缓存")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.RESOLVED_STATUS
    resolution = clocks(ticket)["resolution"]
    assert resolution.stopped_at == at("2025-09-30 11:00")
    resolved = HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.RESOLVED)
    assert resolved.data["root_cause_missing"] is False
    assert HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.ROOT_CAUSE).data == {
        "root_cause": "证照模板缓存失效",
        "fix": "清理缓存",
    }


def test_a_fault_resolved_elsewhere_is_marked_as_missing_its_root_cause(file_at):
    ticket = file_at("2025-09-30 09:00")
    ticket.status = Ticket.RESOLVED_STATUS
    ticket.save()
    resolved = HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.RESOLVED)
    assert resolved.data["root_cause_missing"] is True


def test_reopening_starts_a_new_resolution_cycle(
    file_at, now, reporter, django_capture_on_commit_callbacks
):
    ticket = file_at("2025-09-30 09:00", category=Category.CONSULTATION)
    operator = OperatorFactory()
    now.set("2025-09-30 10:00")
    services.record_resolution(ticket, operator, root_cause="", fix="")
    now.set("2025-10-09 09:00")
    ticket_services.reopen_ticket(user=reporter, ticket=Ticket.objects.get(pk=ticket.pk))
    resolution = clocks(ticket)["resolution"]
    assert resolution.cycle == 2 and resolution.stopped_at is None
    assert resolution.started_at == at("2025-10-09 09:00")
    assert resolution.consumed_seconds == 0
    assert kinds(ticket)[-1] == LogKind.REOPENED


def test_filing_twice_does_not_double_the_clocks(file_at):
    ticket = file_at("2025-09-30 09:00")
    assert services.start_clocks(ticket) == []
    assert SlaClock.objects.filter(ticket=ticket).count() == len(ClockKind.values)


def test_the_most_specific_policy_sets_the_targets(file_at):
    from helpdesk_site.tickets.models import Subsystem
    from sla.models import SlaPolicy

    base = {"category": "fault", "priority": 3, "resolution_minutes": 1260}
    SlaPolicy.objects.create(name="康定", region_id="513301", response_minutes=90, **base)
    SlaPolicy.objects.create(name="泸定", region_id="513322", response_minutes=10, **base)
    ticket = file_at("2025-09-30 09:00")
    assert clocks(ticket)["response"].target_minutes == 90
    SlaPolicy.objects.create(
        name="证照", subsystem=Subsystem.objects.get(code="e_license"), response_minutes=60, **base
    )
    ticket = file_at("2025-09-30 09:00")
    assert clocks(ticket)["response"].target_minutes == 60
