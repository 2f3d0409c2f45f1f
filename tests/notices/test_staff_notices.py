"""What operators, team leads and supervisors hear of late tickets."""

import datetime as dt

import pytest
from django.urls import reverse

from helpdesk_site.notices.models import Kind, Notice
from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from sla import business_time as bt
from sla import services
from sla.models import HandlingLogEntry, LogKind, SlaClock, TeamLead
from sla.selectors import Calendars
from tests.factories import OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    lead = OperatorFactory(username="lead", email="lead@example.invalid")
    TeamLead.objects.create(user=lead)
    return lead


def instant_at_share(clock, percent):
    calendar = Calendars().for_clock(clock)
    used = dt.timedelta(minutes=clock.target_minutes * percent / 100)
    return bt.add_working_time(clock.started_at, used, calendar)


def test_a_ticket_first_swept_at_150_percent_says_150_percent(file_at, lead):
    ticket = file_at("2025-09-30 09:00")
    resolution = SlaClock.objects.get(ticket=ticket, kind="resolution")
    services.sweep(instant_at_share(resolution, 150))
    # The resolution clock fired 50 %, 80 % and 150 % steps for the lead at once: one notice.
    about_resolution = [n for n in Notice.objects.filter(recipient=lead) if "解决" in n.message]
    assert len(about_resolution) == 1
    assert "已用去解决时限的 150%" in about_resolution[0].message
    assert about_resolution[0].kind == Kind.ESCALATION


def test_acknowledge_all_confirms_every_escalation_and_logs_each(file_at, lead, client):
    tickets = [file_at("2025-09-30 09:00") for _ in range(3)]
    services.sweep(dt.datetime(2025, 10, 20, 12, tzinfo=bt.SHANGHAI))
    assert Notice.objects.filter(recipient=lead, read_at__isnull=True).count() >= 3
    client.force_login(lead)
    page = client.get(reverse("notices:list")).content.decode()
    assert "全部确认" in page
    assert all(f"#{t.pk} " in page for t in tickets)  # grouped under each ticket
    client.post(reverse("notices:read_all"))
    assert not Notice.objects.filter(recipient=lead, read_at__isnull=True).exists()
    acknowledged = HandlingLogEntry.objects.filter(kind=LogKind.ACKNOWLEDGED, actor=lead)
    assert {e.ticket_id for e in acknowledged} == {t.pk for t in tickets}


def test_the_team_lead_receives_its_steps(file_at, lead):
    county = UserFactory(
        role=Role.SUPERVISOR, department=None, supervised_region=Region.objects.get(code="513301")
    )
    ticket = file_at("2025-09-30 09:00")
    ticket.assigned_to = OperatorFactory()
    ticket.save()
    response = SlaClock.objects.get(ticket=ticket, kind="response")
    services.sweep(instant_at_share(response, 100))
    # 80 % went to the assignee, 100 % (通知运维组长) to the lead.
    assert Notice.objects.filter(recipient=lead, ticket=ticket).count() == 1
    assert not Notice.objects.filter(recipient=county).exists()


def test_the_demo_has_a_team_lead():
    from helpdesk_site.tickets import seeding

    seeding.ensure_accounts(seeding.ensure_departments())
    lead = TeamLead.objects.get(subsystem=None)
    assert lead.user.username == "team_lead" and lead.user.role == Role.OPERATOR


def test_the_sla_admin_warns_of_steps_that_reach_nobody(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:sla_escalationladder_changelist")).content.decode()
    assert "通知运维组长" in page and "没有运维组长" in page
    assert "康定市" in page  # no supervisor watches it yet
    TeamLead.objects.create(user=OperatorFactory())
    for code in Region.objects.filter(level=Region.Level.COUNTY).values_list("code", flat=True):
        UserFactory(role=Role.SUPERVISOR, department=None, supervised_region_id=code)
    UserFactory(role=Role.SUPERVISOR, department=None, supervised_region_id="513300")
    page = client.get(reverse("admin:sla_escalationladder_changelist")).content.decode()
    assert "没有运维组长" not in page and "无人可通知" not in page


def test_the_old_notices_address_leads_to_the_notices_page(client):
    response = client.get("/sla/notifications/")
    assert response.status_code == 301 and response["Location"] == "/notices/"
