from django.db import migrations

from helpdesk_site.audit import sqlite


def install(apps, schema_editor):
    sqlite.install(schema_editor.connection)


def drop(apps, schema_editor):
    sqlite.drop(schema_editor.connection)


class Migration(migrations.Migration):
    """On SQLite, the fault-handling log refuses UPDATE and DELETE as it does
    on PostgreSQL (there through sla's django-pgtrigger migration)."""

    dependencies = [
        ("audit", "0001_initial"),
        ("sla", "0002_handling_log_follow_up_kinds"),
    ]

    operations = [migrations.RunPython(install, drop)]
