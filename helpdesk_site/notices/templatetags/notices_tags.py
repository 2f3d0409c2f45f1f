from django import template

from helpdesk_site.notices import selectors

register = template.Library()


@register.inclusion_tag("notices/_nav.html", takes_context=True)
def notices_nav(context):
    request = context.get("request")  # absent on the bare 500 page
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": selectors.unread_count(user)}


@register.inclusion_tag("notices/_menu_badge.html", takes_context=True)
def notices_menu_badge(context):
    """The unread count on the phone's menu button, where the menu's own
    count is folded out of sight."""
    return notices_nav(context)
