"""The 差评 follow-up's own log kinds. Lines it wrote earlier under escalation
kinds (its steps as "acknowledged", its reminders as "escalated") are given
their own kind, so each kind has one meaning in the pages and reports."""

from django.db import migrations, models

STEP_KINDS = {
    "verify": "rating_verified",
    "call_back": "rating_called_back",
    "rectify": "rating_rectified",
}
REMINDER_KINDS = {80: "rating_reminded", 100: "rating_overdue"}


def own_kinds(apps, schema_editor):
    entries = apps.get_model("sla", "HandlingLogEntry").objects.filter(
        data__has_key="bad_rating_follow_up"
    )
    for step, kind in STEP_KINDS.items():
        entries.filter(kind="acknowledged", data__step=step).update(kind=kind)
    for percent, kind in REMINDER_KINDS.items():
        entries.filter(kind="escalated", data__percent=percent).update(kind=kind)


def escalation_kinds(apps, schema_editor):
    entries = apps.get_model("sla", "HandlingLogEntry").objects
    entries.filter(kind__in=STEP_KINDS.values()).update(kind="acknowledged")
    entries.filter(kind__in=REMINDER_KINDS.values()).update(kind="escalated")


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='handlinglogentry',
            name='kind',
            field=models.CharField(choices=[('filed', 'Filed'), ('first_response', 'First response'), ('escalated', 'Escalated'), ('acknowledged', 'Escalation acknowledged'), ('paused', 'Clock paused'), ('resumed', 'Clock resumed'), ('priority_changed', 'Priority changed'), ('category_changed', 'Category changed'), ('resolved', 'Resolved'), ('root_cause', 'Root cause and fix recorded'), ('reopened', 'Reopened'), ('breached', 'Target breached'), ('rating_verified', 'Bad rating verified'), ('rating_called_back', 'Reporter called back about a bad rating'), ('rating_rectified', 'Bad rating rectified'), ('rating_reminded', 'Bad-rating follow-up reminder'), ('rating_overdue', 'Bad-rating follow-up overdue')], max_length=20, verbose_name='event'),
        ),
        migrations.RunPython(own_kinds, escalation_kinds),
    ]
