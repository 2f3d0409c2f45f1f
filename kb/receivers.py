"""Keep each ticket's search text current, however the ticket was changed
(our portal's services, or django-helpdesk's staff pages)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from helpdesk.models import Ticket

from helpdesk_site.tickets.changes import saved_changes
from kb import indexing, ticket_text

# What a ticket's search text holds (the Elasticsearch document has its status too).
SEARCHED_FIELDS = {"title", "description", "resolution", "status"}


@receiver(post_save, sender=Ticket, dispatch_uid="kb_ticket_text")
def ticket_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # A follow-up alone (a chat line, a comment) leaves the searched text as it was.
    if saved_changes(instance) & SEARCHED_FIELDS:
        ticket_text.refresh_ticket_text(instance)
    elif indexing.uses_elasticsearch():
        # The Elasticsearch document also carries the queue and the assignee
        # its scope filter reads, which no tracked field reports.
        indexing.index_on_commit("ticket", instance.pk)


@receiver(post_delete, sender=Ticket, dispatch_uid="kb_ticket_deleted")
def ticket_deleted(sender, instance, **kwargs):
    indexing.index_on_commit("ticket", instance.pk)
