"""The operator's workbench on django-helpdesk's ticket page: what the SLA
panel does not already offer (category and priority, escalation, links)."""

from django import template

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.forms import ReclassifyForm
from sla import services as sla_services

register = template.Library()


@register.inclusion_tag("tickets/_workbench_actions.html", takes_context=True)
def workbench_actions(context):
    user, ticket = context["request"].user, context["ticket"]
    details = getattr(ticket, "details", None)
    works = scope.works_tickets(user)
    return {
        "ticket": ticket,
        "works": works and details is not None,
        "taken": ticket.assigned_to_id == user.pk,
        "reclassify_form": ReclassifyForm(
            initial={"category": details.category if details else "", "priority": ticket.priority}
        ),
        "team_lead": sla_services.team_lead_for(ticket) if works else None,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
