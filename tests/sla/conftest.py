import datetime as dt

import pytest
from django.utils import timezone
from helpdesk.models import Ticket

from sla import business_time as bt
from tests.factories import UserFactory, file_ticket


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=bt.SHANGHAI)


class Clock:
    """The time django.utils.timezone.now() answers, set by the test."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, text: str) -> dt.datetime:
        self.now = at(text)
        return self.now


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def reporter(db):
    return UserFactory()


@pytest.fixture
def file_at(now, reporter, django_capture_on_commit_callbacks):
    """File a ticket at an instant, running the on-commit hooks as a real
    request would (they deliver its e-mail from the outbox)."""

    def file(when: str, **fields) -> Ticket:
        now.set(when)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_ticket(reporter, **fields)
        return Ticket.objects.get(pk=ticket.pk)

    return file
