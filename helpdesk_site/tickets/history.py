"""django-helpdesk's history lines, in words a person reads.

helpdesk writes each change of a ticket as a follow-up titled in English
glue ("… and 已解决", "Assigned to operator") with TicketChange rows that
keep raw values (None for nobody, a user name, True/False, a priority or
queue number). Just before helpdesk saves them, these receivers put the
same facts as the page should show them: the person's name, 未分配, 是/否,
the priority's and queue's labels. The line itself ("将处理人由 未分配 改为
王运维") is the catalogue's translation of helpdesk's template text.

Lines stored before that (English: "Changed Owner from None to operator.",
"Assigned to operator", "… and Resolved"; or helpdesk's own Chinese:
"所有者", "所有待办") are reworded when shown (shown_change, shown_title),
not rewritten in the database: the history is the record of what was done,
kept as stored (the audit app keeps it append-only), and a user name stored
then is read as the person's name of today.
"""

import functools
import gettext as gettext_module
import re
from pathlib import Path

import helpdesk
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.utils import translation
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


# The field names helpdesk writes on a change (its update_ticket and hold views).
FIELDS = ("Title", "Status", "Owner", "Priority", "Queue", "Due on", "On Hold")
HELPDESK_LOCALE = Path(helpdesk.__file__).parent / "locale"


@functools.cache
def _former_words() -> dict[str, str]:
    """Each word helpdesk may have stored in a history line, in English or in
    its own Chinese catalogue, mapped to its English original."""
    shipped = gettext_module.translation(
        "django", HELPDESK_LOCALE, languages=["zh_Hans"], fallback=True
    )
    with translation.override("en"):
        statuses = [str(label) for _value, label in Ticket.STATUS_CHOICES]
    words = {}
    for original in (*FIELDS, *statuses, "Unassigned"):
        words[original] = original
        words.setdefault(shipped.gettext(original), original)
    return words


def _today(word: str) -> str:
    """A stored field name or status in today's words; anything else as is."""
    original = _former_words().get(word)
    return gettext(original) if original else word


def _statuses_now() -> set[str]:
    return {str(label) for _value, label in Ticket.STATUS_CHOICES}


def shown_value(field: str, value) -> str:
    """A stored change value as the page shows it today, given the field's
    name in today's words."""
    value = "" if value is None else str(value)
    if field in (gettext("Owner"), gettext("Status")):
        value = _today(value)
    return readable_value(field, value)


def shown_change(change) -> tuple[str, str, str]:
    """A stored TicketChange (of any age) as (field, before, after) in today's words."""
    field = _today(change.field)
    return field, shown_value(field, change.old_value), shown_value(field, change.new_value)


# helpdesk's English titles that name the assignee by user name.
ENGLISH_ASSIGNED = re.compile(r"^Assigned to (?P<username>\S+?)(?P<bulk> in bulk update)?$")


def shown_title(followup) -> str:
    """A follow-up's stored title in today's words: helpdesk's English
    titles ("Ticket placed on hold", "Assigned to operator", "… and
    Resolved") as the catalogue has them now, with the person's name."""
    title = followup.title or ""
    translated = gettext(title) if title else title
    if translated != title:
        return translated
    assigned = ENGLISH_ASSIGNED.match(title)
    if assigned:
        name = _person(assigned["username"])
        if assigned["bulk"]:
            return gettext("Assigned to {username} in bulk update").format(username=name)
        return gettext("Assigned to %(username)s") % {"username": name}
    head, joined, tail = title.rpartition(" and ")
    if joined and (tail in _former_words() or tail in _statuses_now()):
        status = _today(tail)
        if head == followup.ticket.title:
            return status
        shown_head = shown_title(FollowUp(title=head, ticket=followup.ticket))
        return gettext("%(change)s, %(status)s") % {"change": shown_head, "status": status}
    return title


def connect():
    pre_save.connect(_readable_change, sender=TicketChange, dispatch_uid="tickets_readable_change")
    pre_save.connect(_readable_followup, sender=FollowUp, dispatch_uid="tickets_readable_followup")
