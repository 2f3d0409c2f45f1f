"""The SLA engine's notifications become everybody's notices: the model moves
here and keeps its table and rows; only the kind column is new."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("helpdesk", "0043_fix_on_delete_behaviour"),
        ("sla", "0003_handlinglog_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("message", models.TextField(verbose_name="message")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="sent"
                            ),
                        ),
                        ("read_at", models.DateTimeField(null=True, verbose_name="read")),
                        (
                            "escalation",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="sla.escalationevent",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notices",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "ticket",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="helpdesk.ticket",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notice",
                        "verbose_name_plural": "notices",
                        "db_table": "sla_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["recipient", "read_at"], name="notification_unread")
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="notice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reply", "Reply"),
                    ("status", "Status change"),
                    ("waiting", "Waiting on you"),
                    ("rating", "Rating request"),
                    ("bad_rating", "差评 follow-up"),
                    ("escalation", "Escalation"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.RunSQL(
            "UPDATE sla_notification SET kind = 'escalation' WHERE escalation_id IS NOT NULL",
            migrations.RunSQL.noop,
        ),
    ]
