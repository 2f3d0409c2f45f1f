from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from helpdesk.models import Ticket


class Kind(models.TextChoices):
    REPLY = "reply", _("Reply")
    STATUS = "status", _("Status change")
    WAITING = "waiting", _("Waiting on you")
    RATING = "rating", _("Rating request")
    BAD_RATING = "bad_rating", _("差评 follow-up")
    ESCALATION = "escalation", _("Escalation")
    OTHER = "other", _("Other")


class Notice(models.Model):
    """An in-app notice (站内通知) to one person, mostly about a ticket; its
    e-mail and live push leave through the outbox with it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    ticket = models.ForeignKey(Ticket, null=True, on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    escalation = models.ForeignKey("sla.EscalationEvent", null=True, on_delete=models.CASCADE)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True)

    class Meta:
        # The table the SLA engine's notifications started in: moved, not copied.
        db_table = "sla_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.message
