"""Finer planner statistics on the tsvector columns: PostgreSQL only.

With the default (100) PostgreSQL keeps the frequencies of about 1,000
words and guesses every other word to be as common as the least common of
those; at 100,000 tickets it then expects a query's few hundred matches to
be thousands, and reads every ticket (a hash join, or a parallel worker that
takes longer to start than the search) instead of looking up the matches.
With 1,000 it keeps about 10,000 words and the guess is close.
"""

from django.db import migrations

TARGET = 1000
COLUMNS = [("kb_faq", "search_vector"), ("kb_tickettext", "search_vector")]


def set_target(target):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in COLUMNS:
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS {target}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_gin_indexes")]
    operations = [migrations.RunPython(set_target(TARGET), set_target(-1))]
