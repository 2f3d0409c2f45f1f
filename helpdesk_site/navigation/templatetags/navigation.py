from django import template

from helpdesk_site.navigation import menu

register = template.Library()


@register.inclusion_tag("navigation/_group.html", takes_context=True)
def menu_group(context, group: str, label: str):
    request = context.get("request")  # absent on the bare 500 page
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"entries": []}
    return {"entries": menu.entries(group, user), "group": group, "label": label}
