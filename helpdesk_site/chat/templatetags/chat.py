from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from helpdesk_site.chat.selectors import person_payload
from helpdesk_site.tickets import scope

register = template.Library()


def connection_strings() -> dict:
    """The connection states the chat panel and the console show."""
    return {
        "live": _("Live"),
        "connecting": _("Connecting…"),
        "degraded": _("Live delivery interrupted; checking every few seconds"),
        "polling": _("Websocket unavailable; checking every few seconds"),
        "offline": _("Offline; will reconnect"),
    }


@register.simple_tag(takes_context=True)
def chat_room(context, ticket):
    """What the chat panel needs to start: nothing when the user cannot see
    the ticket (the panel then renders nothing)."""
    user = context["request"].user
    if not scope.can_view_ticket(user, ticket.pk):
        return None
    return {
        "ticket_id": ticket.pk,
        "me": person_payload(user),
        "can_post": scope.can_comment(user, ticket),
        "max_chars": settings.CHAT_MAX_BODY_CHARS,
        "ws_path": f"/ws/tickets/{ticket.pk}/",
        "messages_url": reverse("chat:messages", args=[ticket.pk]),
        "read_url": reverse("chat:read", args=[ticket.pk]),
        "strings": {
            **connection_strings(),
            "present": _("On this page:"),
            "typing": _("%(name)s is typing…"),
            "readBy": _("Read by %(names)s"),
            "sendFailed": _("Not sent: %(reason)s"),
            "network": _("the network is unreachable"),
            "queued": _("Not sent yet; it will be sent when the connection is back."),
            "empty": _("No messages yet."),
            "operator": _("Operator"),
        },
    }
