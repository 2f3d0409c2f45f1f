"""Clocks on the foundation's ticket pages, and the SLA links in the menu."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from helpdesk_site.tickets import scope
from sla import clock_text, selectors, services
from sla.forms import HoldForm, ResolutionForm, ResumeForm
from sla.models import Incident, LogKind

register = template.Library()


@register.filter
def working_duration(minutes) -> str:
    """Minutes as hours and minutes, e.g. 2小时05分."""
    total = round(abs(float(minutes)))
    hours, rest = divmod(total, 60)
    if hours:
        return _("%(h)dh %(m)02dm") % {"h": hours, "m": rest}
    return _("%(m)dm") % {"m": rest}


@register.filter
def desk_time(at) -> str:
    """An instant as Beijing wall-clock time, whatever the server's zone."""
    return clock_text.instant(at)


@register.filter
def remaining_text(view) -> str:
    """A clock view's time left or overdue, e.g. 剩余 2 小时 15 分（工作时间）."""
    return clock_text.remaining(
        view.remaining_minutes,
        around_the_clock=view.clock.around_the_clock,
        language=get_language() or "zh-hans",
    )


@register.simple_tag
def sla_prefetch(page) -> str:
    """Attach clock views to each ticket of a page, in one query."""
    tickets = list(page)
    views = selectors.clocks_for_tickets(tickets)
    for ticket in tickets:
        ticket.sla_views = views.get(ticket.pk, [])
    return ""


@register.inclusion_tag("sla/_badges.html")
def sla_badges(ticket):
    return {"views": getattr(ticket, "sla_views", [])}


@register.inclusion_tag("sla/_panel.html", takes_context=True)
def sla_panel(context):
    user, ticket = context["request"].user, context["ticket"]
    now = timezone.now()
    calendars = selectors.Calendars()
    views = selectors.clocks_for_tickets([ticket], now, calendars).get(ticket.pk, [])
    # One place to work a ticket: the operator acts on the workbench
    # (helpdesk's ticket page); elsewhere the panel links there.
    match = getattr(context["request"], "resolver_match", None)
    on_workbench = match is not None and match.view_name == "helpdesk:view"
    works = scope.works_tickets(user)
    log = list(selectors.handling_log(ticket)) if selectors.reads_sla(user) else []
    resolved = ticket.status in services.STOPPED_STATUSES
    missing_root_cause = (
        bool(log) and log[-1].kind == LogKind.RESOLVED and (log[-1].data.get("root_cause_missing"))
    )
    years = {now.year} | {v.clock.due_at.year for v in views if v.clock.due_at}
    calendar = calendars.get(None)
    return {
        "ticket": ticket,
        "views": views,
        "log": log,
        "works": works and on_workbench,
        "workbench_link": works and not on_workbench,
        "resolved": resolved,
        "missing_root_cause": missing_root_cause,
        "on_hold": ticket.on_hold,
        "open": ticket.status in (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS),
        "provisional_years": sorted(y for y in years if calendar.is_provisional(y)),
        "incident": Incident.objects.filter(ticket=ticket).first(),
        # What a refused resolve typed (tickets.staff_views.ticket_page_again).
        "resolution_form": ResolutionForm(
            initial=getattr(context["request"], "workbench_draft", None)
        ),
        "hold_form": HoldForm(),
        "resume_form": ResumeForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("sla/_nav.html", takes_context=True)
def sla_nav(context):
    request = context.get("request")  # absent on the bare 500 page
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {
        "show": True,
        "reads_sla": selectors.reads_sla(user),
    }
