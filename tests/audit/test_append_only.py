"""The fault-handling log refuses UPDATE and DELETE in the database itself,
whatever the client: raw SQL, a cascade, another program."""

import pytest
from django.db import DatabaseError, connection, transaction

from sla.models import HandlingLogEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE sla_handlinglogentry SET text = 'rewritten' WHERE id = %s",
        "DELETE FROM sla_handlinglogentry WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_the_log(ticket, sql):
    entry = HandlingLogEntry.objects.filter(ticket=ticket).first()
    assert entry is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    entry_now = HandlingLogEntry.objects.get(pk=entry.pk)
    assert entry_now.text == entry.text


def test_a_person_named_in_the_log_is_deactivated_not_deleted(ticket, supervisor):
    from django.core.exceptions import PermissionDenied

    from sla import services as sla

    sla.log(ticket.pk, "acknowledged", actor=supervisor)
    with pytest.raises(PermissionDenied), transaction.atomic():
        supervisor.delete()
    assert HandlingLogEntry.objects.filter(ticket=ticket, actor=supervisor).exists()


@pytest.mark.django_db(transaction=True)
def test_emptying_the_whole_database_still_works_and_keeps_the_guard():
    from django.core.management import call_command

    from sla import services as sla
    from tests.factories import UserFactory, file_ticket

    ticket = file_ticket(UserFactory())
    sla.log(ticket.pk, "filed")
    call_command("flush", interactive=False, verbosity=0)
    assert not HandlingLogEntry.objects.exists()
    ticket = file_ticket(UserFactory())
    entry = sla.log(ticket.pk, "filed")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sla_handlinglogentry WHERE id = %s", [entry.pk])
