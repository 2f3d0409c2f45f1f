"""Changes to tickets that make notices: helpdesk's own updates (its staff
pages, and the SLA engine's resolving through it) and the portal's."""

from helpdesk.signals import update_ticket_done

from helpdesk_site.notices import reporter
from helpdesk_site.tickets.signals import ticket_updated


def on_helpdesk_update(sender, followup, **kwargs):
    reporter.followup_recorded(followup, followup.user)


def on_portal_update(sender, ticket, followup, user, **kwargs):
    reporter.followup_recorded(followup, user)


def connect():
    update_ticket_done.connect(on_helpdesk_update, dispatch_uid="notices_helpdesk_update")
    ticket_updated.connect(on_portal_update, dispatch_uid="notices_portal_update")
