"""Withdrawing (撤销) and restoring tickets: the one function for each."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from helpdesk_site.audit.models import Withdrawal
from helpdesk_site.tickets import scope
from sla import services as sla

MAX_REASON = 2000


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why."))
    if len(reason) > MAX_REASON:
        raise ValidationError(_("Keep the reason under %(n)s characters.") % {"n": MAX_REASON})
    return reason


@transaction.atomic
def withdraw_ticket(*, user, ticket: Ticket, reason: str) -> Withdrawal:
    """Withdraw a ticket filed in error or twice: it leaves every list, search,
    dashboard and report, its SLA clocks pause, and everything on it is kept."""
    if not scope.can_withdraw(user, ticket):
        raise PermissionDenied(_("You cannot withdraw this ticket."))
    reason = _clean_reason(reason)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    withdrawal = Withdrawal.objects.create(
        ticket=ticket, withdrawn_by=user, reason=reason, was_on_hold=ticket.on_hold
    )
    if not ticket.on_hold:
        # A withdrawn ticket must not escalate; the pause is on the handling log.
        sla.set_on_hold(
            ticket, user, on_hold=True, reason=_("Withdrawn: %(reason)s") % {"reason": reason}
        )
    return withdrawal


@transaction.atomic
def restore_ticket(*, user, withdrawal: Withdrawal, reason: str) -> Withdrawal:
    """Put a withdrawn ticket back where it was (administrators only)."""
    if not scope.can_restore(user):
        raise PermissionDenied(_("Only an administrator can restore a ticket."))
    reason = _clean_reason(reason)
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if withdrawal.restored_at is not None:
        raise ValidationError(_("This ticket has been restored already."))
    withdrawal.restored_by = user
    withdrawal.restored_at = timezone.now()
    withdrawal.restore_reason = reason
    withdrawal.save(update_fields=["restored_by", "restored_at", "restore_reason"])
    ticket = withdrawal.ticket
    if not withdrawal.was_on_hold and ticket.on_hold:
        sla.set_on_hold(
            ticket, user, on_hold=False, reason=_("Restored: %(reason)s") % {"reason": reason}
        )
    return withdrawal
