"""How the SLA engine hears about tickets: our own filing signal, and saves
of django-helpdesk's models, which is all its staff pages leave behind."""

from django.db.models.signals import post_save
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.notices.models import Notice
from helpdesk_site.notices.signals import notices_read
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.changes import saved_changes
from helpdesk_site.tickets.models import TicketDetails
from helpdesk_site.tickets.signals import ticket_filed
from sla import services
from sla.middleware import current_user

RESOLVING = (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
# What sync_ticket reads from the ticket row (the category lives on its details).
CLOCK_FIELDS = {"status", "priority", "on_hold"}


def on_ticket_filed(sender, ticket, user, **kwargs):
    # Inside the filing's transaction: no ticket is ever stored without its clocks.
    services.start_clocks(ticket, user)


def on_ticket_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # clocks start when the ticket is filed, with its details
    if not saved_changes(instance) & CLOCK_FIELDS:
        return  # a follow-up added, say: nothing the clocks depend on
    services.sync_ticket(instance, actor=current_user())


def on_details_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        services.sync_ticket(instance.ticket, actor=current_user())


def on_followup_saved(sender, instance, created, raw=False, **kwargs):
    """An operator's public reply, or their resolving the ticket, is its
    first response."""
    user = instance.user
    if not created or raw or user is None or not scope.works_tickets(user):
        return
    if instance.public and ((instance.comment or "").strip() or instance.new_status in RESOLVING):
        services.record_first_response(instance.ticket, user)


def on_notices_read(sender, notices, user, at, **kwargs):
    services.record_acknowledged(notices, user, at)


def connect():
    ticket_filed.connect(on_ticket_filed, dispatch_uid="sla_ticket_filed")
    post_save.connect(on_ticket_saved, sender=Ticket, dispatch_uid="sla_ticket_saved")
    post_save.connect(on_details_saved, sender=TicketDetails, dispatch_uid="sla_details_saved")
    post_save.connect(on_followup_saved, sender=FollowUp, dispatch_uid="sla_followup_saved")
    notices_read.connect(on_notices_read, sender=Notice, dispatch_uid="sla_notices_read")
