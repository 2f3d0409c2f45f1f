"""What people see: clocks on ticket pages, the at-risk list, notifications,
the log that cannot be edited."""

import pytest
from django.urls import reverse
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.notices.models import Notice
from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Subsystem
from sla import services
from sla.models import HandlingLogEntry, HolidayNotice, LogKind, SlaClock, TeamLead
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return OperatorFactory()


def test_ticket_list_and_page_show_the_clocks(client, file_at, reporter, now):
    ticket = file_at("2025-09-30 09:00")
    now.set("2025-09-30 10:00")
    client.force_login(reporter)
    listing = client.get(reverse("tickets:list")).content.decode()
    assert "1h 00m left" in listing or "1小时00分" in listing
    page = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert page.status_code == 200
    assert b'id="sla"' in page.content
    assert b'id="handling-log"' not in page.content  # the log is for staff and supervisors


def test_operators_see_the_log_and_overdue_state(client, file_at, operator, now):
    ticket = file_at("2025-09-30 09:00")
    now.set("2025-09-30 11:30")
    client.force_login(operator)
    page = client.get(reverse("tickets:detail", args=[ticket.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert 'id="handling-log"' in body
    assert "table-danger" in body  # the response clock is 30 minutes overdue


def test_a_provisional_year_is_warned_on_the_ticket_page(client, file_at, operator):
    ticket = file_at("2027-02-04 17:00")
    client.force_login(operator)
    body = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "2027" in body and "alert-warning" in body
    HolidayNotice.objects.create(
        year=2027, title="2027年通知", holidays="2027-02-05..2027-02-12", working_days=""
    )
    body = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "alert-warning" not in body


def test_at_risk_and_breached_lists_follow_scope(client, file_at, reporter, now):
    ticket = file_at("2025-09-30 09:00")
    other_county = DepartmentFactory(region=Region.objects.get(code="513322"))
    far_supervisor = UserFactory(
        role=Role.SUPERVISOR, department=other_county, supervised_region=other_county.region
    )
    near_supervisor = UserFactory(
        role=Role.SUPERVISOR, supervised_region=Region.objects.get(code="513301")
    )
    now.set("2025-09-30 10:40")  # response 100 of 120 minutes used
    client.force_login(near_supervisor)
    assert ticket.title in client.get(reverse("sla:at_risk")).content.decode()
    assert (
        ticket.title not in client.get(reverse("sla:at_risk") + "?show=breached").content.decode()
    )
    now.set("2025-09-30 11:30")
    assert ticket.title in client.get(reverse("sla:at_risk") + "?show=breached").content.decode()
    client.force_login(far_supervisor)
    assert (
        ticket.title not in client.get(reverse("sla:at_risk") + "?show=breached").content.decode()
    )
    client.force_login(reporter)
    assert client.get(reverse("sla:at_risk")).status_code == 403


def test_notifications_list_and_acknowledge(client, file_at, operator):
    TeamLead.objects.create(user=operator)
    ticket = file_at("2025-09-30 09:00")
    services.sweep(at("2025-09-30 11:00"))
    client.force_login(operator)
    page = client.get(reverse("notices:list"))
    assert ticket.title in page.content.decode()
    notification = Notice.objects.filter(recipient=operator).first()
    stranger = OperatorFactory()
    client.force_login(stranger)
    client.post(reverse("notices:read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at is None  # not theirs
    client.force_login(operator)
    response = client.post(reverse("notices:read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_resolving_a_fault_from_the_page_needs_a_root_cause(client, file_at, operator):
    ticket = file_at("2025-09-30 09:00")
    client.force_login(operator)
    url = reverse("sla:resolve", args=[ticket.pk])
    client.post(url, {"root_cause": "", "fix": ""})
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.OPEN_STATUS
    client.post(url, {"root_cause": "数据库连接池耗尽", "fix": "调大连接池并重启"})
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.RESOLVED_STATUS
    assert client.post(url, {"root_cause": "x" * 3000}).status_code == 400


def test_pausing_from_the_page_records_the_reason(client, file_at, operator):
    ticket = file_at("2025-09-30 09:00")
    client.force_login(operator)
    url = reverse("sla:hold", args=[ticket.pk])
    assert client.post(url, {"waiting_for": "bogus"}).status_code == 302
    assert not SlaClock.objects.get(ticket=ticket, kind="resolution").is_paused
    client.post(url, {"waiting_for": "third_party", "note": "省厂商排查中"})
    assert SlaClock.objects.get(ticket=ticket, kind="resolution").is_paused
    assert "省厂商排查中" in HandlingLogEntry.objects.get(kind=LogKind.PAUSED).text
    client.post(url, {"resume": "1"})
    assert SlaClock.objects.get(ticket=ticket, kind="resolution").is_paused
    client.post(url, {"resume": "1", "resumed_because": "third_party", "note": "省厂商已修复"})
    assert not SlaClock.objects.get(ticket=ticket, kind="resolution").is_paused
    assert HandlingLogEntry.objects.get(kind=LogKind.RESUMED).text == "第三方已完成：省厂商已修复"


def test_reporters_and_strangers_cannot_pause_or_resolve(client, file_at, reporter):
    ticket = file_at("2025-09-30 09:00")
    client.force_login(reporter)
    assert (
        client.post(reverse("sla:hold", args=[ticket.pk]), {"waiting_for": "reporter"}).status_code
        == 403
    )
    outsider = OperatorFactory(subsystems=Subsystem.objects.filter(code="e_seal"))
    client.force_login(outsider)
    assert client.post(reverse("sla:resolve", args=[ticket.pk]), {}).status_code in (403, 404)


def test_the_log_cannot_be_edited_or_deleted(client, file_at):
    ticket = file_at("2025-09-30 09:00")
    entry = HandlingLogEntry.objects.get(ticket=ticket)
    entry.text = "改写"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        HandlingLogEntry.objects.filter(ticket=ticket).update(text="改写")
    with pytest.raises(PermissionError):
        HandlingLogEntry.objects.filter(ticket=ticket).delete()
    admin = UserFactory(role=Role.ADMIN, department=None)
    client.force_login(admin)
    change = reverse("admin:sla_handlinglogentry_change", args=[entry.pk])
    delete = reverse("admin:sla_handlinglogentry_delete", args=[entry.pk])
    assert client.post(change, {"text": "改写"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert HandlingLogEntry.objects.get(pk=entry.pk).text == ""


def test_admin_warns_of_provisional_years_and_confirms_one_by_its_notice(client, now):
    now.set("2026-11-24 10:00")
    admin = UserFactory(role=Role.ADMIN, department=None)
    client.force_login(admin)
    page = client.get(reverse("admin:sla_businesscalendar_changelist")).content.decode()
    assert 'class="warning"' in page and "2027" in page
    response = client.post(
        reverse("admin:sla_holidaynotice_add"),
        {
            "year": 2027,
            "title": "国务院办公厅关于2027年部分节假日安排的通知",
            "holidays": "2027-01-01..2027-01-03, 2027-02-05..2027-02-12",
            "working_days": "2027-02-14",
        },
    )
    assert response.status_code == 302
    assert HolidayNotice.objects.get(year=2027).confirmed_by == admin
    client.get(reverse("admin:sla_businesscalendar_changelist"))  # shows the "added" message
    page = client.get(reverse("admin:sla_businesscalendar_changelist")).content.decode()
    assert 'class="warning"' not in page


def test_admin_refuses_a_notice_with_dates_of_another_year(client):
    admin = UserFactory(role=Role.ADMIN, department=None)
    client.force_login(admin)
    response = client.post(
        reverse("admin:sla_holidaynotice_add"),
        {"year": 2027, "title": "x", "holidays": "2028-01-01", "working_days": "not a date"},
    )
    assert response.status_code == 200
    assert not HolidayNotice.objects.exists()


def test_helpdesk_staff_views_drive_the_clocks_and_name_the_operator(client, file_at, operator):
    ticket = file_at("2025-09-30 09:00")
    client.force_login(operator)
    client.post(reverse("helpdesk:hold", args=[ticket.pk]), {"waiting_for": "reporter"})
    assert SlaClock.objects.get(ticket=ticket, kind="resolution").is_paused
    assert HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.PAUSED).actor == operator
    client.post(reverse("helpdesk:unhold", args=[ticket.pk]), {"resumed_because": "reporter"})
    assert not SlaClock.objects.get(ticket=ticket, kind="resolution").is_paused
    # What helpdesk's update view calls once its form is valid.
    update_ticket(
        operator,
        Ticket.objects.get(pk=ticket.pk),
        comment="已清理证照模板缓存",
        new_status=Ticket.RESOLVED_STATUS,
        public=True,
    )
    stopped = SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=False)
    assert stopped.count() == 2
    resolved = HandlingLogEntry.objects.get(ticket=ticket, kind=LogKind.RESOLVED)
    assert resolved.data["root_cause_missing"] is True
    assert HandlingLogEntry.objects.filter(ticket=ticket, kind=LogKind.FIRST_RESPONSE).exists()
