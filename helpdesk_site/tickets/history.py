"""django-helpdesk's history lines, in words a person reads.

helpdesk writes each change of a ticket as a follow-up titled in English
glue ("… and 已解决", "Assigned to operator") with TicketChange rows that
keep raw values (None for nobody, a user name, True/False, a priority or
queue number). Just before helpdesk saves them, these receivers put the
same facts as the page should show them: the person's name, 未分配, 是/否,
the priority's and queue's labels. The line itself ("将处理人由 未分配 改为
王运维") is the catalogue's translation of helpdesk's template text.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.utils.translation import gettext
from helpdesk.models import FollowUp, Queue, Ticket, TicketChange

NOBODY = ("", "None")


def _person(value: str) -> str:
    if value in NOBODY:
        return gettext("Unassigned")
    user = get_user_model().objects.filter(username=value).first()
    return user.display_name() if user else value


def _priority(value: str) -> str:
    return str(dict(Ticket.PRIORITY_CHOICES).get(int(value), value)) if value.isdigit() else value


def _queue(value: str) -> str:
    if not value.isdigit():
        return value
    queue = Queue.objects.filter(pk=int(value)).first()
    return queue.title if queue else value


def _yes_no(value: str) -> str:
    return {"True": gettext("Yes"), "False": gettext("No")}.get(value, value)


def readable_value(field: str, value):
    """A TicketChange value as the page should show it, given the field's
    name as helpdesk wrote it (in the language of the request)."""
    if value is None:
        value = ""
    value = str(value)
    readers = {
        gettext("Owner"): _person,
        gettext("Priority"): _priority,
        gettext("Queue"): _queue,
        gettext("On Hold"): _yes_no,
    }
    reader = readers.get(field)
    return reader(value) if reader else value


def _readable_change(sender, instance, raw=False, **kwargs):
    if raw or not instance._state.adding:
        return
    instance.old_value = readable_value(instance.field, instance.old_value)
    instance.new_value = readable_value(instance.field, instance.new_value)


ASSIGNED = ("Assigned to %(username)s", "Assigned to {username} in bulk update")


def _lead(template: str) -> str:
    return gettext(template).split("%(username)s")[0].split("{username}")[0]


def readable_title(title: str, ticket) -> str:
    """helpdesk's follow-up title with the assignee by name and a status
    change joined in Chinese ("…，已解决") instead of " and ", or the status
    alone where helpdesk would repeat the ticket's title before it."""
    for template in ASSIGNED:
        raw = gettext(template)
        # Only a title that starts like helpdesk's needs the assignee loaded.
        if not title.startswith(_lead(template)) or not ticket.assigned_to_id:
            continue
        assignee = ticket.assigned_to
        username = assignee.get_username()
        if title == raw.replace("%(username)s", username).replace("{username}", username):
            name = assignee.display_name()
            return raw.replace("%(username)s", name).replace("{username}", name)
    status = ticket.get_status_display()
    joined = f" and {status}"
    if title.endswith(joined):
        head = readable_title(title[: -len(joined)], ticket)
        if head == ticket.title:
            return status
        return gettext("%(change)s, %(status)s") % {"change": head, "status": status}
    return title


def _readable_followup(sender, instance, raw=False, **kwargs):
    if raw or not instance.title or not instance.ticket_id:
        return
    # Most follow-ups (replies, chat) have nothing to reword: no ticket load.
    if " and " not in instance.title and not instance.title.startswith(
        tuple(_lead(template) for template in ASSIGNED)
    ):
        return
    instance.title = readable_title(instance.title, instance.ticket)


def connect():
    pre_save.connect(_readable_change, sender=TicketChange, dispatch_uid="tickets_readable_change")
    pre_save.connect(_readable_followup, sender=FollowUp, dispatch_uid="tickets_readable_followup")
