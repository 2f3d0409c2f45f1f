from dataclasses import dataclass

import pytest
from django.core import mail

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem

# Shared with the SLA and chat tests: a clock to set, filing at an instant, socket clean-up.
from tests.chat.conftest import close_socket_connections  # noqa: F401
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, file_ticket, region
from tests.sla.conftest import file_at, now, reporter  # noqa: F401


@dataclass
class Desk:
    ticket: object
    reporter: object
    operator: object
    supervisor: object
    other_supervisor: object


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def desk(db, django_capture_on_commit_callbacks):
    department = DepartmentFactory(
        name="炉城街道便民服务中心", region=region("513301001", "炉城街道")
    )
    clerk = UserFactory(department=department, email="clerk@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_ticket(clerk, title="电子证照无法制作")
    mail.outbox.clear()
    luding = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    return Desk(
        ticket=ticket,
        reporter=clerk,
        operator=OperatorFactory(
            subsystems=Subsystem.objects.filter(code="e_license"),
            email="op@example.invalid",
            first_name="运维",
            last_name="王",
        ),
        supervisor=UserFactory(
            role=Role.SUPERVISOR, department=department, supervised_region=region("513301")
        ),
        other_supervisor=UserFactory(
            role=Role.SUPERVISOR, department=luding, supervised_region=region("513322")
        ),
    )
