"""The operator of each ticket beside its id, for the clocks open at a
period's end counted per operator: their tickets are looked up one by one,
and with this index each lookup reads the index alone, not the ticket's
row. On django-helpdesk's table, in SQL that PostgreSQL and SQLite accept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0043_fix_on_delete_behaviour"),
        ("reporting", "0004_dayclocks"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX report_ticket_operator ON helpdesk_ticket (id, assigned_to_id)",
            "DROP INDEX report_ticket_operator",
        ),
    ]
