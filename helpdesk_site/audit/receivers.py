"""Model-level guards of the audit trail."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from helpdesk_site.audit.models import TRACKED
from sla.models import HandlingLogEntry

# The change reason of a copy taken just before the first recorded change of a
# row that existed before it was tracked (seeded in bulk, or older than the
# audit trail): the "before" of that change. Not shown as a change itself.
BASELINE = "baseline"


def refuse_ticket_delete(sender, instance, **kwargs):
    """Tickets are withdrawn (撤销), never erased: whatever path tries to
    delete one (the admin, a view, a shell) is refused."""
    raise PermissionDenied(_("Tickets cannot be deleted; withdraw them instead."))


def refuse_deleting_a_logged_actor(sender, instance, **kwargs):
    """Deleting a person would blank their name in the append-only log, which
    the database refuses; say so plainly instead of failing there."""
    if HandlingLogEntry.objects.filter(actor_id=instance.pk).exists():
        raise PermissionDenied(
            _("This person is named in the fault-handling log; deactivate the account instead.")
        )


def keep_baseline(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    history = sender.history
    if history.filter(**{sender._meta.pk.attname: instance.pk}).exists():
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    if stored is not None:
        history.bulk_history_create([stored], default_change_reason=BASELINE)


def connect():
    pre_delete.connect(refuse_ticket_delete, sender=Ticket, dispatch_uid="audit_no_ticket_delete")
    pre_delete.connect(
        refuse_deleting_a_logged_actor,
        sender=get_user_model(),
        dispatch_uid="audit_no_logged_actor_delete",
    )
    for model in TRACKED:
        pre_save.connect(
            keep_baseline, sender=model, dispatch_uid=f"audit_baseline_{model.__name__}"
        )
