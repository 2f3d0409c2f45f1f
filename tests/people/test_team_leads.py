"""An administrator or the prefecture's supervisor names the operator team
leads (运维组长) on the accounts page; escalations then reach them."""

import pytest
from django.urls import reverse

from helpdesk_site.people.models import Role, User
from helpdesk_site.tickets import scope
from sla import services as sla
from sla.models import TeamLead
from tests.factories import OperatorFactory, UserFactory, file_ticket, get_subsystem, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def name(client, subsystem, user):
    return client.post(
        reverse("name_team_lead"),
        {"subsystem": subsystem.pk if subsystem else "", "user": user.pk if user else ""},
        follow=True,
    )


def test_the_prefecture_supervisor_names_a_lead_and_escalations_reach_them(client):
    supervisor = UserFactory(role=Role.SUPERVISOR, supervised_region=region("513300"))
    lead = OperatorFactory(last_name="赵", first_name="组长")
    seals = get_subsystem("e_seal")
    client.force_login(supervisor)
    page = client.get(reverse("accounts")).content.decode()
    assert 'id="team-leads"' in page and "运维组长" in page and "赵组长" in page
    response = name(client, seals, lead)
    assert "赵组长" in response.content.decode()
    assert TeamLead.objects.get(subsystem=seals).user == lead
    reporter = UserFactory(department__region=region("513301001"))
    ticket = file_ticket(reporter, subsystem="e_seal")
    assert sla.team_lead_for(ticket) == lead
    name(client, seals, None)
    assert not TeamLead.objects.filter(subsystem=seals).exists()


def test_an_administrator_names_the_lead_of_every_other_subsystem(client):
    admin = UserFactory(role=Role.ADMIN)
    first, second = OperatorFactory(), OperatorFactory()
    client.force_login(admin)
    name(client, None, first)
    name(client, None, second)
    assert TeamLead.objects.get(subsystem=None).user == second


def test_only_an_active_operator_is_named_and_only_by_those_who_may(client):
    county = UserFactory(role=Role.SUPERVISOR, supervised_region=region("513301"))
    operator = OperatorFactory()
    client.force_login(county)
    assert 'id="team-leads"' not in client.get(reverse("accounts")).content.decode()
    assert name(client, None, operator).status_code == 403
    assert not TeamLead.objects.exists()

    client.force_login(UserFactory(role=Role.ADMIN))
    clerk = UserFactory(department__region=region("513301001"))
    response = name(client, None, clerk)
    assert "请从列表中选择" in response.content.decode()
    assert not TeamLead.objects.exists()


def test_a_named_lead_sees_and_is_given_the_tickets_of_the_queues_they_lead(client):
    admin = UserFactory(role=Role.ADMIN)
    licences, seals = get_subsystem("e_license"), get_subsystem("e_seal")
    lead = OperatorFactory(last_name="赵", first_name="组长", subsystems=[licences])
    general = OperatorFactory(last_name="钱", first_name="组长", subsystems=[licences])
    reporter = UserFactory(department__region=region("513301001"))
    seal_ticket = file_ticket(reporter, subsystem="e_seal")
    cert_ticket = file_ticket(reporter, subsystem="evaluation")
    assert not scope.may_be_assigned(lead, seal_ticket)
    assert not scope.can_view_ticket(lead, seal_ticket.pk)

    client.force_login(admin)
    name(client, seals, lead)
    lead = User.objects.get(pk=lead.pk)  # as their next request reads them
    assert scope.may_be_assigned(lead, seal_ticket)
    assert scope.can_view_ticket(lead, seal_ticket.pk)
    # The workbench's 处理人 list of that ticket offers the lead.
    client.force_login(lead)
    assert client.get(reverse("helpdesk:view", args=[seal_ticket.pk])).status_code == 200

    # The lead of every other subsystem gets the queues without their own lead ...
    client.force_login(admin)
    name(client, None, general)
    assert scope.may_be_assigned(general, cert_ticket)
    assert not scope.may_be_assigned(general, seal_ticket)
    # ... and a subsystem's queue once its own lead is gone.
    name(client, seals, None)
    assert scope.may_be_assigned(general, seal_ticket)
