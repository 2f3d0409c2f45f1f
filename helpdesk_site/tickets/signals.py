"""Events other apps (SLA, chat, knowledge base) react to.

tickets.services sends both inside the transaction of the change, so what a
receiver records commits with it or not at all. A receiver does no I/O of its
own: e-mail, pushes and other side effects go into the outbox
(helpdesk_site.outbox.services.enqueue), which delivers them after the commit.
"""

from django.dispatch import Signal

# sender: the ticket's class; kwargs: ticket, user.
ticket_filed = Signal()
# sender: the ticket's class; kwargs: ticket, followup, user, old_status.
ticket_updated = Signal()
# Tickets stored in bulk with their history (a demo, an import), which send no
# post_save: sent after their details and clocks are stored, inside the
# transaction. sender: the ticket's class; kwargs: ticket_ids.
tickets_stored_in_bulk = Signal()
