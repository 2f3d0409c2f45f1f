"""django-helpdesk's pages are for operators and administrators; everybody
else lands on the portal, and no link goes round in circles."""

import pytest
from django.test import Client
from django.urls import reverse
from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem
from tests.factories import OperatorFactory, UserFactory, region
from tests.tickets.test_scope_urls import fill, world  # noqa: F401
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db

MAX_HOPS = 6


@pytest.fixture
def scene(request):
    """The scope walk's ticket, filer, outsiders and URL values."""
    return request.getfixturevalue("world")


def people(filer):
    return {
        "reporter": filer,
        "supervisor": UserFactory(
            role=Role.SUPERVISOR, department=None, supervised_region=region("513301")
        ),
        "operator": OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license")),
        "admin": UserFactory(role=Role.ADMIN, department=None, is_superuser=True),
        "anonymous": None,
    }


def follow(client, url, method="get"):
    """Follow redirects by hand, so a loop is counted rather than raised."""
    hops = []
    response = getattr(client, method)(url)
    while response.status_code in (301, 302, 303, 307, 308) and len(hops) < MAX_HOPS:
        hops.append(url)
        url = response["Location"]
        response = client.get(url)
    return response, hops, url


@pytest.mark.parametrize("role", ["reporter", "supervisor", "operator", "admin", "anonymous"])
def test_every_helpdesk_url_ends_somewhere_for_every_role(scene, role):
    _ticket, filer, _outsiders, ids = scene
    user = people(filer)[role]
    client = Client()
    if user is not None:
        client.force_login(user)
    failures, checked = [], 0
    for name, params, route in walk():
        if not name.startswith("helpdesk:") or name.endswith(("delete", "_del")):
            continue
        url = reverse(name, kwargs=fill(params, ids, route)) if params else reverse(name)
        response, hops, _final = follow(client, url)
        checked += 1
        if len(hops) >= MAX_HOPS:
            failures.append(f"{url}: a redirect loop through {hops[:3]}")
        elif response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
    assert checked > 50
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["reporter", "supervisor"])
def test_a_reporter_or_supervisor_opening_helpdesks_ticket_page_lands_on_the_portals(
    client, scene, role
):
    ticket, filer, *_ = scene
    client.force_login(people(filer)[role])
    response, _hops, final = follow(client, reverse("helpdesk:view", args=[ticket.pk]))
    assert response.status_code == 200 and final == f"/tickets/{ticket.pk}/"
    response, _hops, final = follow(client, reverse("helpdesk:home"))
    assert response.status_code == 200 and "/accounts/login/" not in final


def public_view(ticket):
    return f"/helpdesk/view/?ticket={ticket.ticket_for_url}&email=x&key={ticket.secret_key}"


def test_helpdesks_public_view_leads_to_the_portal_page_through_the_login(client, scene):
    ticket, filer, *_ = scene
    response = client.get(public_view(ticket))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/tickets/{ticket.pk}/"
    # Logging in there comes back to the ticket.
    login = client.post(
        response["Location"], {"username": filer.username, "password": "correct horse battery"}
    )
    assert login.status_code == 302 and login["Location"] == f"/tickets/{ticket.pk}/"
    response = client.get(public_view(ticket))
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"


def test_helpdesks_public_view_is_a_404_out_of_scope_and_for_nonsense(client, scene):
    ticket, _filer, outsiders, _ids = scene
    client.force_login(outsiders["reporter of another county"])
    assert client.get(public_view(ticket)).status_code == 404
    assert client.get("/helpdesk/view/?ticket=nonsense").status_code == 404
    operator = OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license"))
    client.force_login(operator)
    # Operators too go to the portal's page: helpdesk's public page is nobody's.
    assert client.get(public_view(ticket))["Location"] == f"/tickets/{ticket.pk}/"
    assert Ticket.objects.filter(pk=ticket.pk).exists()
