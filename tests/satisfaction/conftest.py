import pytest
from helpdesk.models import Ticket

from helpdesk_site.regions.models import Region
from tests.factories import DepartmentFactory, UserFactory, file_ticket
from tests.sla.conftest import Clock


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def file_at(now, django_capture_on_commit_callbacks):
    """File a ticket at an instant, running the on-commit hooks as a real
    request would (they deliver its e-mail from the outbox)."""

    def file(reporter, when: str, **fields) -> Ticket:
        now.set(when)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_ticket(reporter, **fields)
        return Ticket.objects.get(pk=ticket.pk)

    return file


@pytest.fixture
def resolve_at(now):
    def resolve(ticket, when: str) -> Ticket:
        now.set(when)
        ticket = Ticket.objects.get(pk=ticket.pk)
        ticket.status = Ticket.RESOLVED_STATUS
        ticket.save()
        return ticket

    return resolve


@pytest.fixture
def kangding_reporter(db):
    return UserFactory(department=DepartmentFactory(region=Region.objects.get(code="513301")))


@pytest.fixture
def luding_reporter(db):
    return UserFactory(department=DepartmentFactory(region=Region.objects.get(code="513322")))
