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
