"""Side effects waiting to be delivered: e-mail, console pushes and other
follow-up work, stored in the transaction of the change that causes them."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    MAIL = "mail", pgettext_lazy("outbox", "E-mail")
    CALL = "call", pgettext_lazy("outbox", "Follow-up work")


class State(models.TextChoices):
    PENDING = "pending", pgettext_lazy("outbox", "Pending")
    DELIVERED = "delivered", pgettext_lazy("outbox", "Delivered")
    FAILED = "failed", pgettext_lazy("outbox", "Failed")


class Message(models.Model):
    """One side effect. Its key names what it does ("the received e-mail of
    ticket 12 to its filer"), so the same effect is stored, and done, once."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # A call's handler: the dotted path of a function marked @outbox.handler.
    handler = models.CharField(_("handler"), max_length=200, blank=True)
    payload = models.JSONField(_("content"), default=dict)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Pending: the next attempt; while a worker holds the message, the end of its claim.
    due_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["due_at"], name="outbox_pending_due", condition=Q(state="pending")
            ),
            models.Index(fields=["state", "created_at"], name="outbox_state_created"),
        ]

    def __str__(self):
        return self.summary or self.key
