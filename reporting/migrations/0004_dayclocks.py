from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_report_day_indexes"),
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
        # Every counted day is counted again, now with its clocks.
        migrations.RunSQL(
            "UPDATE reporting_countedday SET stale = true", migrations.RunSQL.noop
        ),
    ]
