"""The audit trail (变更记录) and ticket withdrawals (撤销).

django-simple-history keeps a copy of each tracked row as it was after every
save and at its deletion, with who and when; the copies of django-helpdesk's
models and ours live here, in this app's tables, so its migrations stay ours.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from helpdesk.models import FollowUp, FollowUpAttachment, KBItem, Ticket
from simple_history import register

from helpdesk_site.tickets.models import TicketDetails
from kb.models import Faq
from sla.middleware import current_user
from sla.models import SlaClock


def history_user(instance=None, request=None, **kwargs):
    """Whoever makes the current request, in our views, django-helpdesk's staff
    views and the admin alike; nobody (the system) in tasks and commands."""
    return current_user()


# Each tracked model, and the fields left out of its copies: timestamps that
# change on every save, secrets, and text derived for search.
TRACKED = {
    Ticket: ["modified", "secret_key"],
    TicketDetails: [],
    FollowUp: [],
    FollowUpAttachment: [],
    SlaClock: [],
    Faq: ["updated", "search_vector", "question_segmented", "answer_segmented"],
    KBItem: ["votes", "recommendations", "last_updated"],
}

for _model, _excluded in TRACKED.items():
    register(_model, app="helpdesk_site.audit", excluded_fields=_excluded, get_user=history_user)


class Withdrawal(models.Model):
    """One withdrawal (撤销) of a ticket, and its restoring. A withdrawn ticket
    is hidden from every list (the scope module's rule) but nothing of it is
    erased; rows here are never deleted, so each withdrawal and restoring
    stays on record with who, when and why."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="withdrawals"
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), default=timezone.now)
    reason = models.TextField(_("reason for withdrawal"))
    # Withdrawing pauses the SLA clocks; restoring resumes them only if the
    # ticket was not already on hold.
    was_on_hold = models.BooleanField(default=False, editable=False)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("restored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    restore_reason = models.TextField(_("reason for restoring"), blank=True)

    class Meta:
        ordering = ["-withdrawn_at", "-id"]
        verbose_name = _("withdrawn ticket")
        verbose_name_plural = _("withdrawn tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(restored_at__isnull=True),
                name="audit_one_open_withdrawal",
            )
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.withdrawn_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.restored_at is None
