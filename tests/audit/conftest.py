import pytest
from django.test import Client
from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem
from tests.factories import OperatorFactory, UserFactory, region


@pytest.fixture
def reporter(db):
    department_region = region("513301001", "炉城街道")
    return UserFactory(department__region=department_region, first_name="小明", last_name="王")


@pytest.fixture
def operator(db):
    return OperatorFactory(
        subsystems=Subsystem.objects.filter(code="e_license"), first_name="工", last_name="李"
    )


@pytest.fixture
def supervisor(db):
    return UserFactory(role=Role.SUPERVISOR, supervised_region=region("513301"), department=None)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, department=None, first_name="管", last_name="赵")


@pytest.fixture
def as_user():
    """A logged-in client for a user."""

    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def ticket(reporter, operator, as_user, django_capture_on_commit_callbacks):
    """A ticket filed through the portal, as a reporter does (clocks and the
    filing log line come with it)."""
    from tests.factories import get_subsystem

    client = as_user(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tickets/new/",
            {
                "subsystem": get_subsystem("e_license").pk,
                "category": "fault",
                "priority": 3,
                "title": "电子证照无法制作",
                "description": "制作营业执照电子证照时页面一直转圈。",
                "contact_phone": "0836-2812345",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Ticket.objects.latest("id")
