"""Indexes for the days a report counts live (today, and days the roll-up
marked stale): the tickets filed and the resolution clocks stopped in a few
days are found by these, not by reading every ticket and clock. The first is
on django-helpdesk's table, whose model does not declare it; both are made
in SQL that PostgreSQL and SQLite accept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0043_fix_on_delete_behaviour"),
        ("sla", "0007_running_clocks_due_index"),
        ("reporting", "0002_countedday_daycount"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX report_ticket_created ON helpdesk_ticket (created)",
            "DROP INDEX report_ticket_created",
        ),
        migrations.RunSQL(
            "CREATE INDEX report_clock_stopped ON sla_slaclock (kind, stopped_at) "
            "WHERE stopped_at IS NOT NULL",
            "DROP INDEX report_clock_stopped",
        ),
    ]
