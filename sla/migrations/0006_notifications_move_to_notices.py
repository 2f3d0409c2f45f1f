from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0005_field_names"),
        ("notices", "0001_notices_from_sla"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
        ),
    ]
