"""Which of a ticket's fields a save changed.

django-helpdesk saves the whole ticket whenever a follow-up is added (to bump
`modified`), so every chat line used to re-segment the ticket's text for
search and re-run its SLA clocks. Each ticket instance keeps the values it
was loaded with; just before a save, the fields that differ are noted on it
and the snapshot moves on, so post_save receivers can skip work the save did
not call for.

The comparison is with what this instance loaded, not with the database: a
caller that saves a stale instance over someone else's change is a lost
update whatever the receivers do, which is why changes of state go through
services that lock the row first.
"""

from django.db.models.signals import post_init, pre_save
from helpdesk.models import Ticket

TRACKED = ("title", "description", "resolution", "status", "priority", "on_hold")
_MISSING = object()


def _values(ticket) -> dict:
    # A deferred field reads as missing: a save does not write it.
    return {name: ticket.__dict__.get(name, _MISSING) for name in TRACKED}


def _snapshot(sender, instance, **kwargs):
    instance._tracked_values = _values(instance)


def _note_changes(sender, instance, raw=False, **kwargs):
    loaded = getattr(instance, "_tracked_values", {})
    current = _values(instance)
    if instance._state.adding:
        instance._saved_changes = set(TRACKED)
    else:
        instance._saved_changes = {
            name
            for name in TRACKED
            if current[name] is not _MISSING and current[name] != loaded.get(name, _MISSING)
        }
    instance._tracked_values = current


def saved_changes(ticket) -> set[str]:
    """In a post_save receiver: the tracked fields this save changed (all of
    them when the ticket was created or the save did not go through Django)."""
    return getattr(ticket, "_saved_changes", set(TRACKED))


def connect():
    post_init.connect(_snapshot, sender=Ticket, dispatch_uid="tickets_snapshot")
    pre_save.connect(_note_changes, sender=Ticket, dispatch_uid="tickets_note_changes")
