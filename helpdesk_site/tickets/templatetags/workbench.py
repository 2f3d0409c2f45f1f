"""The operator's workbench on django-helpdesk's ticket page: what the SLA
panel does not already offer (category and priority, escalation, links)."""

from django import template

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.forms import ReclassifyForm
from helpdesk_site.tickets.models import FINISHED_STATUSES
from sla import services as sla_services
from sla.forms import HoldForm, ResolutionForm, ResumeForm

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


@register.inclusion_tag("tickets/_hold_dialog.html", takes_context=True)
def hold_dialog(context):
    """What helpdesk's 操作 → 暂停 asks before it pauses the clocks."""
    return {
        "ticket": context["ticket"],
        "works": scope.works_tickets(context["request"].user),
        "hold_form": HoldForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("tickets/_resume_dialog.html", takes_context=True)
def resume_dialog(context):
    """What helpdesk's 操作 → 恢复 asks before the clocks run again."""
    return {
        "ticket": context["ticket"],
        "works": scope.works_tickets(context["request"].user),
        # Apart from the SLA panel's own resume fields on the same page.
        "resume_form": ResumeForm(auto_id="resume-dialog-%s"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("tickets/_respond_root_cause.html", takes_context=True)
def respond_root_cause(context):
    """Root cause and fix inside helpdesk's reply form, for a fault or an
    emergency not yet finished: asked for when the new status resolves or
    closes it (helpdesk's update view, wrapped, records them first)."""
    ticket = context["ticket"]
    details = getattr(ticket, "details", None)
    return {
        "ask": (
            scope.works_tickets(context["request"].user)
            and details is not None
            and details.category in sla_services.ROOT_CAUSE_REQUIRED
            and ticket.status not in FINISHED_STATUSES
        ),
        "finishing": " ".join(str(status) for status in FINISHED_STATUSES),
        "form": ResolutionForm(),
        # What a refused update typed (staff_views.ticket_page_again).
        "draft": getattr(context["request"], "workbench_draft", None) or {},
    }
