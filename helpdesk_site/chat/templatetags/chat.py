import datetime as dt

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from helpdesk_site.chat.selectors import conversation, person_payload, settled_before
from helpdesk_site.chat.settling import replies_cursor
from helpdesk_site.tickets import scope

register = template.Library()


def connection_strings() -> dict:
    """The connection states the chat panel and the console show."""
    return {
        "live": _("Live"),
        "connecting": _("Connecting…"),
        "degraded": _("Live delivery interrupted; checking for new messages regularly"),
        "polling": _("No live connection; checking for new messages regularly"),
        "offline": _("Offline; will reconnect"),
    }


@register.simple_tag(takes_context=True)
def chat_room(context, ticket, with_replies=False):
    """What the chat panel needs to start: nothing when the user cannot see
    the ticket (the panel then renders nothing). With `with_replies` (the
    portal's ticket page) the panel is the whole conversation: follow-ups and
    chat lines in one thread; else (helpdesk's staff page, which lists the
    follow-ups itself) the chat lines only."""
    user = context["request"].user
    if not scope.can_view_ticket(user, ticket.pk):
        return None
    entries = conversation(user, ticket, with_replies=with_replies)
    chat_ids = [e["id"] for e in entries if e["kind"] == "chat"]
    return {
        "entries": entries,
        "with_replies": with_replies,
        "up_to": max(chat_ids, default=0),
        # Where polling for replies carries on from (chat.settling).
        "replies_up_to": replies_cursor(
            0,
            sorted(
                (e["id"], dt.datetime.fromisoformat(e["created"]))
                for e in entries
                if e["kind"] == "reply"
            ),
            more=False,
            settled_before=settled_before(),
        ),
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
            "system": _("System"),
            "internal": _("internal note"),
            "editedBy": _("Edited by %(who)s at %(at)s"),
        },
    }
