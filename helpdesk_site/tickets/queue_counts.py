"""The work queue's counts (each filter in each queue) kept for a short
while, so that reloading the queue does not count every open ticket again.

Counting reads every open ticket in the user's scope and both clocks of
each; the page itself reads only a few. The counts are kept per user for
COUNTS_SECONDS at most and dropped as soon as a ticket, its details, its
clocks or a withdrawal change: every such save moves a version number that
is part of the key. "At risk" and "breached" also move with the clock
alone, so they may lag by up to COUNTS_SECONDS.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from helpdesk.models import Ticket

from helpdesk_site.audit.models import Withdrawal
from helpdesk_site.tickets.models import TicketDetails
from sla.models import SlaClock

COUNTS_SECONDS = 30
VERSION_KEY = "work-queue:version"


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _move_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (or the cache was emptied)
        cache.add(VERSION_KEY, 1, None)


def changed(sender=None, **kwargs) -> None:
    """A change the counts may show: a new version now (so this request's
    own next page sees it) and again at commit (so a page counted meanwhile
    from the old rows is not kept)."""
    _move_version()
    transaction.on_commit(_move_version)


def kept(user, now, count):
    """`count()`'s result for this user, kept until a change or COUNTS_SECONDS."""
    bucket = int(now.timestamp()) // COUNTS_SECONDS
    key = f"work-queue:counts:{_version()}:{user.pk}:{bucket}"
    counts = cache.get(key)
    if counts is None:
        counts = count()
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


def connect() -> None:
    for model in (Ticket, TicketDetails, SlaClock, Withdrawal):
        uid = f"work_queue_counts_{model._meta.label_lower}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}_delete")
