"""Events other apps (SLA, chat, knowledge base) react to."""

from django.dispatch import Signal

# sender: the ticket's class; kwargs: ticket, user.
ticket_filed = Signal()
# sender: the ticket's class; kwargs: ticket, followup, user, old_status.
ticket_updated = Signal()
