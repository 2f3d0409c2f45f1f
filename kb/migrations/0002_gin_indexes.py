"""GIN indexes on the tsvector columns: PostgreSQL only (SQLite searches the
segmented columns without one)."""

from django.db import migrations

INDEXES = [
    ("kb_faq_search_vector_gin", "kb_faq"),
    ("kb_tickettext_search_vector_gin", "kb_tickettext"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
