"""History lines on django-helpdesk's ticket page in today's words, however
old (tickets.history.shown_change, shown_title)."""

from django import template

from helpdesk_site.tickets import history

register = template.Library()


@register.filter
def change_field(change):
    return history.shown_change(change)[0]


@register.filter
def change_old(change):
    return history.shown_change(change)[1]


@register.filter
def change_new(change):
    return history.shown_change(change)[2]


@register.filter
def followup_title(followup):
    return history.shown_title(followup)
