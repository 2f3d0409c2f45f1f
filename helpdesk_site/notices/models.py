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
    RECTIFICATION = "rectification", _("Rectification")
    TRAINING = "training", _("Training")
    ASSESSMENT = "assessment", _("Assessment")
    INSPECTION = "inspection", _("Inspection")
    KEY_WORK = "key_work", _("Key work")
    OTHER = "other", _("Other")


class Notice(models.Model):
    """An in-app notice (站内通知) to one person, mostly about a ticket; its
    e-mail and live push leave through the outbox with it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    escalation = models.ForeignKey(
        "sla.EscalationEvent", verbose_name=_("escalation"), null=True, on_delete=models.CASCADE
    )
    message = models.TextField(_("message"))
    # Where a notice about something other than a ticket leads (a site path).
    link = models.CharField(_("link"), max_length=300, blank=True)
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

    @property
    def path(self) -> str:
        """The page the notice leads to: its ticket's, else its own link."""
        from helpdesk_site.notices.links import ticket_path

        return ticket_path(self.ticket_id) if self.ticket_id else self.link
