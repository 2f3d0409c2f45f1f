"""Django's flush, able to empty the append-only fault-handling log on SQLite.

Emptying the whole database is the one time the log goes too (the test
runner does it between transactional tests). PostgreSQL's flush truncates,
which its row triggers do not see; SQLite's deletes row by row, so the
triggers are lifted for the flush and put back in the same transaction.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

from helpdesk_site.audit import sqlite


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            sqlite.drop(connection)
            super().handle(**options)
            sqlite.install(connection)
