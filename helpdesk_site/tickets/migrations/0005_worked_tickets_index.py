"""An index on django-helpdesk's ticket table for the tickets still being
worked (open, reopened): the operator's queue and its counts read only those,
a small share of a desk's history; with every column they read in it, the
database answers from the index alone. helpdesk's model does not declare it, so
it is created here, in SQL both PostgreSQL and SQLite accept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0043_fix_on_delete_behaviour"),
        ("tickets", "0004_after_sales_follows"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX helpdesk_ticket_worked "
            "ON helpdesk_ticket (queue_id, assigned_to_id, on_hold, id) "
            "WHERE status IN (1, 2)",
            "DROP INDEX helpdesk_ticket_worked",
        )
    ]
