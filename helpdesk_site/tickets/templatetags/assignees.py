"""The 处理人 choices on django-helpdesk's pages, from the scope module
(helpdesk itself offers every active user)."""

from django import template
from helpdesk.user import HelpdeskUser

from helpdesk_site.tickets import scope

register = template.Library()


@register.filter
def assignees(ticket):
    """Who may take over this ticket."""
    return scope.assignable_users([ticket.queue])


@register.filter
def bulk_assignees(user):
    """Who may be given tickets of the queues this user works, for the
    ticket list's bulk "assign to"."""
    return scope.assignable_users(HelpdeskUser(user).get_queues())
