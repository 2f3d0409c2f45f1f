from django import template
from django.utils.html import format_html

from helpdesk_site.tickets import idempotency

register = template.Library()


@register.simple_tag
def submit_token():
    """A hidden field with a new token: posting this form twice makes one change."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        idempotency.TOKEN_FIELD,
        idempotency.new_token(),
    )
