from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_report_day_indexes"),
        ("sla", "0007_running_clocks_due_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DayClocks",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="day")),
                ("kind", models.CharField(max_length=12, verbose_name="clock")),
                ("columns", models.BinaryField(verbose_name="columns")),
            ],
            options={
                "verbose_name": "day's clocks",
                "verbose_name_plural": "days' clocks",
                "constraints": [
                    models.UniqueConstraint(fields=("day", "kind"), name="dayclocks_kind")
                ],
            },
        ),
        migrations.AddField(
            model_name="countedday",
            name="version",
            field=models.UUIDField(blank=True, null=True, verbose_name="version"),
        ),
        # The clocks a report reads from the table when the days' clocks are
        # kept: those breached in the period but not stopped in it (found in
        # the index alone), and those still running.
        migrations.RunSQL(
            "CREATE INDEX report_clock_breached ON sla_slaclock "
            "(breached_at, stopped_at, policy_id, kind, ticket_id) WHERE breached_at IS NOT NULL",
            "DROP INDEX report_clock_breached",
        ),
        migrations.RunSQL(
            "CREATE INDEX report_clock_running ON sla_slaclock (kind, started_at) "
            "WHERE stopped_at IS NULL",
            "DROP INDEX report_clock_running",
        ),
        # The period's first emergencies, from their start.
        migrations.RunSQL(
            "CREATE INDEX report_incident_started ON sla_incident (started_at, ticket_id)",
            "DROP INDEX report_incident_started",
        ),
        # Every counted day is counted again, now with its clocks.
        migrations.RunSQL(
            "UPDATE reporting_countedday SET stale = true", migrations.RunSQL.noop
        ),
    ]
