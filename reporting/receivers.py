"""Changes to tickets that alter counted days of the daily roll-up: each
marks the days it touches stale (reporting.services.tickets_changed)."""

from django.db.models.signals import post_save, pre_delete, pre_save
from helpdesk.models import Ticket

from helpdesk_site.audit.models import Withdrawal
from helpdesk_site.tickets.models import TicketDetails
from helpdesk_site.tickets.signals import tickets_stored_in_bulk
from reporting import services
from sla.models import SlaClock


def on_clock_saving(sender, instance, **kwargs):
    # A clock reopened or stopped again leaves the day it stopped before.
    if instance.pk:
        instance._stopped_before = (
            SlaClock.objects.filter(pk=instance.pk).values_list("stopped_at", flat=True).first()
        )


def on_clock_saved(sender, instance, **kwargs):
    # Any clock: its stop and breach are kept for its day, and the steps
    # recorded as history for it are saved with it.
    before = getattr(instance, "_stopped_before", None)
    services.tickets_changed([instance.ticket_id], also=[before] if before else [])


def on_ticket_saving(sender, instance, update_fields=None, **kwargs):
    # The operator figures of the days a ticket's clocks stopped count it
    # for its operator: reassigning it alters them.
    if instance.pk and (update_fields is None or "assigned_to" in update_fields):
        instance._operator_before = (
            Ticket.objects.filter(pk=instance.pk).values_list("assigned_to_id", flat=True).first()
        )


def on_ticket_saved(sender, instance, created, **kwargs):
    if created or not hasattr(instance, "_operator_before"):
        return
    if instance.__dict__.pop("_operator_before") != instance.assigned_to_id:
        services.tickets_changed([instance.pk])


def on_ticket_changed(sender, instance, **kwargs):
    services.tickets_changed([instance.ticket_id])


def on_ticket_deleting(sender, instance, **kwargs):
    services.tickets_changed([instance.pk])


def on_stored_in_bulk(sender, ticket_ids, **kwargs):
    services.tickets_changed(ticket_ids)


def connect():
    pre_save.connect(on_clock_saving, sender=SlaClock, dispatch_uid="reporting_clock_saving")
    post_save.connect(on_clock_saved, sender=SlaClock, dispatch_uid="reporting_clock_saved")
    post_save.connect(
        on_ticket_changed, sender=TicketDetails, dispatch_uid="reporting_details_saved"
    )
    post_save.connect(
        on_ticket_changed, sender=Withdrawal, dispatch_uid="reporting_withdrawal_saved"
    )
    pre_save.connect(on_ticket_saving, sender=Ticket, dispatch_uid="reporting_ticket_saving")
    post_save.connect(on_ticket_saved, sender=Ticket, dispatch_uid="reporting_ticket_saved")
    pre_delete.connect(on_ticket_deleting, sender=Ticket, dispatch_uid="reporting_ticket_deleting")
    tickets_stored_in_bulk.connect(on_stored_in_bulk, dispatch_uid="reporting_stored_in_bulk")
