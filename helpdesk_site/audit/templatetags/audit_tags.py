from django import template

from helpdesk_site.audit import selectors
from helpdesk_site.tickets import scope

register = template.Library()


@register.inclusion_tag("audit/_ticket_history.html", takes_context=True)
def ticket_history(context):
    """The ticket's change history, for operators and supervisors only."""
    user = context["request"].user
    if not scope.sees_audit_trail(user):
        return {"shown": False}
    return {"shown": True, "entries": selectors.ticket_history(context["ticket"], user)}


@register.simple_tag
def followup_edits(followups):
    return selectors.followup_edits([f.pk for f in followups])


@register.filter
def edit_of(edits, followup):
    return edits.get(followup.pk)
