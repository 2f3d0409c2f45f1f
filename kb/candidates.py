"""FAQ candidates: resolved tickets without an FAQ, grouped into recurring
problems (kb.clustering).

A run reads the window's tickets in one query, groups them outside any
transaction, then writes the candidates a batch at a time, each batch in a
short transaction of its own, so the candidates page and the operators
deciding there never wait for a run. A
candidate someone accepts or dismisses while a run is under way stays as
they decided it. Runs do not overlap (a lock in the cache).

The full run (nightly) redoes the open candidates; the incremental run
places the tickets resolved since the last run: into the open candidate
they resemble, or into new candidates with each other and the window's
ungrouped tickets. Without a record of the last run it runs in full.
"""

import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from helpdesk.models import Ticket

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import ANSWERED_STATUSES
from kb import clustering
from kb.models import CandidateState, FaqCandidate

LAST_RUN_KEY = "kb:candidates:last-run"
LOCK_KEY = "kb:candidates:lock"
# A run that dies keeps others out this long at most.
LOCK_SECONDS = 30 * 60
# Candidates written in one transaction.
WRITE_BATCH = 200
# How long the cache keeps the time of the last run.
LAST_RUN_SECONDS = 8 * 24 * 3600


class RunInProgress(Exception):
    """Another grouping run holds the lock."""


@dataclass
class Run:
    """What a run did: its kind ("full" or "incremental"), the window's
    start, the tickets considered, candidates written, tickets that joined
    an open candidate."""

    kind: str
    since: datetime
    tickets: int
    candidates: int
    joined: int = 0


def window_days() -> int:
    return settings.KB_CANDIDATE_WINDOW_DAYS


def window_start(now=None) -> datetime:
    return (now or timezone.now()) - timedelta(days=window_days())


@contextlib.contextmanager
def _exclusive():
    if not cache.add(LOCK_KEY, "1", LOCK_SECONDS):
        raise RunInProgress
    try:
        yield
    finally:
        cache.delete(LOCK_KEY)


@dataclass
class _Row:
    pk: int
    title: str
    resolved: datetime
    subsystem_id: int | None
    text: clustering.Text


def _rows(since: datetime) -> list[_Row]:
    """The window's resolved tickets that no FAQ answers and no decided
    candidate holds (withdrawn ones never: the scope rule)."""
    decided = FaqCandidate.objects.exclude(state=CandidateState.OPEN).values("tickets")
    rows = (
        Ticket.objects.filter(
            status__in=ANSWERED_STATUSES,
            modified__gte=since,
            faqs__isnull=True,
            search_text__isnull=False,
        )
        .filter(scope.not_withdrawn_q())
        .exclude(pk__in=decided)
        .values_list(
            "pk",
            "title",
            "modified",
            "details__subsystem_id",
            "details__reporter_id",
            "details__external_ref",
            "search_text__title_segmented",
            "search_text__body_segmented",
        )
        .order_by("pk")
    )
    return [
        _Row(
            pk=pk,
            title=title,
            resolved=modified,
            subsystem_id=subsystem_id,
            text=clustering.Text(
                key=pk,
                title=title_words.split(),
                body=body_words.split(),
                # Imported tickets share the import's reporter: their
                # reposts are found by text alone.
                reporter=None if external_ref else reporter_id,
            ),
        )
        for (
            pk,
            title,
            modified,
            subsystem_id,
            reporter_id,
            external_ref,
            title_words,
            body_words,
        ) in rows.iterator(chunk_size=2000)
    ]


def _open_members() -> dict[int, set[int]]:
    members: dict[int, set[int]] = {}
    for key, ticket in FaqCandidate.tickets.through.objects.filter(
        faqcandidate__state=CandidateState.OPEN
    ).values_list("faqcandidate_id", "ticket_id"):
        members.setdefault(key, set()).add(ticket)
    return members


def _fields(group: clustering.Group, by_pk: dict[int, _Row]) -> dict:
    members = [by_pk[pk] for pk in group.keys]
    subsystems = Counter(m.subsystem_id for m in members if m.subsystem_id)
    return {
        "title": by_pk[group.representative].title[:200],
        "size": len(members),
        "first_resolved": min(m.resolved for m in members),
        "last_resolved": max(m.resolved for m in members),
        "subsystem_id": subsystems.most_common(1)[0][0] if subsystems else None,
    }


def _save(groups: list[tuple[clustering.Group, int | None]], by_pk: dict[int, _Row]) -> int:
    """Write the groups, each continuing the open candidate given with it
    (or new), a batch of candidates a transaction; how many were written (a
    candidate decided meanwhile is left as it was decided)."""
    written = 0
    for start in range(0, len(groups), WRITE_BATCH):
        with transaction.atomic():
            written += _save_batch(groups[start : start + WRITE_BATCH], by_pk)
    return written


def _save_batch(batch, by_pk) -> int:
    through = FaqCandidate.tickets.through
    fresh = [(g, FaqCandidate(**_fields(g, by_pk))) for g, key in batch if key is None]
    FaqCandidate.objects.bulk_create([candidate for _, candidate in fresh])
    members = {candidate.pk: g.keys for g, candidate in fresh}
    continued = {}
    for g, key in batch:
        if key is not None:
            still_open = FaqCandidate.objects.filter(pk=key, state=CandidateState.OPEN)
            if still_open.update(**_fields(g, by_pk)):
                continued[key] = g.keys
    through.objects.filter(faqcandidate_id__in=list(continued)).delete()
    members.update(continued)
    through.objects.bulk_create(
        [through(faqcandidate_id=c, ticket_id=t) for c, keys in members.items() for t in keys]
    )
    return len(members)


def _remember(started: datetime) -> None:
    cache.set(LAST_RUN_KEY, started.isoformat(), LAST_RUN_SECONDS)


def _last_run() -> datetime | None:
    value = cache.get(LAST_RUN_KEY)
    return datetime.fromisoformat(value) if value else None


def propose(now=None, since: datetime | None = None) -> Run:
    """Redo the open candidates from the tickets resolved since `since`
    (default: the configured window).

    Tickets already answered by an FAQ, or in a group someone accepted or
    dismissed, are left out. A fresh group that continues an open candidate
    (most of its tickets) keeps that candidate's id, so the links to it
    still lead to the same problem."""
    started = timezone.now()
    since = since or window_start(now)
    with _exclusive():
        rows = _rows(since)
        groups = clustering.group([row.text for row in rows])
        previous = _open_members()
        continued = clustering.carried_over(previous, [set(g.keys) for g in groups])
        kept = set(continued.values())
        FaqCandidate.objects.filter(
            state=CandidateState.OPEN, pk__in=[key for key in previous if key not in kept]
        ).delete()
        by_pk = {row.pk: row for row in rows}
        written = _save([(g, continued.get(i)) for i, g in enumerate(groups)], by_pk)
        _remember(started)
    return Run(kind="full", since=since, tickets=len(rows), candidates=written)


def join_new(now=None, since: datetime | None = None) -> Run:
    """Place the tickets resolved since the last run among the open
    candidates, or in new ones; a full run when the last run is unknown."""
    started = timezone.now()
    last = _last_run()
    if last is None:
        return propose(now, since)
    since = since or window_start(now)
    with _exclusive():
        rows = _rows(since)
        by_pk = {row.pk: row for row in rows}
        in_window = set(by_pk)
        members = {key: tickets & in_window for key, tickets in _open_members().items()}
        grouped = set().union(*members.values()) if members else set()
        new = {row.pk for row in rows if row.resolved >= last and row.pk not in grouped}
        found = clustering.extend([row.text for row in rows], members, new) if new else None
        if found is None:
            _remember(started)
            return Run(kind="incremental", since=since, tickets=0, candidates=0)
        joined = sum(_join(key, keys, by_pk) for key, keys in found.joined.items())
        written = _save([(g, None) for g in found.fresh], by_pk)
        _remember(started)
    return Run(kind="incremental", since=since, tickets=len(new), candidates=written, joined=joined)


def _join(key: int, keys: list[int], by_pk: dict[int, _Row]) -> int:
    """Add tickets to an open candidate; how many joined (0 if it was
    decided meanwhile)."""
    with transaction.atomic():
        candidate = (
            FaqCandidate.objects.select_for_update()
            .filter(pk=key, state=CandidateState.OPEN)
            .first()
        )
        if candidate is None:
            return 0
        candidate.tickets.add(*keys)
        arrived = [by_pk[pk].resolved for pk in keys]
        candidate.size = candidate.tickets.count()
        candidate.first_resolved = min([*arrived, candidate.first_resolved or min(arrived)])
        candidate.last_resolved = max([*arrived, candidate.last_resolved or max(arrived)])
        candidate.save(update_fields=["size", "first_resolved", "last_resolved"])
    return len(keys)


def open_candidates_with_tickets() -> list[dict]:
    """Every open candidate with its tickets (id, title and, for imported
    ones, the external reference), the most frequent first."""
    candidates = list(
        FaqCandidate.objects.filter(state=CandidateState.OPEN).order_by(
            "-size", "-last_resolved", "pk"
        )
    )
    tickets: dict[int, list[dict]] = {c.pk: [] for c in candidates}
    rows = (
        FaqCandidate.tickets.through.objects.filter(faqcandidate__in=candidates)
        .filter(scope.not_withdrawn_q("ticket__"))
        .values_list(
            "faqcandidate_id", "ticket_id", "ticket__title", "ticket__details__external_ref"
        )
        .order_by("faqcandidate_id", "ticket_id")
    )
    for candidate_id, pk, title, external_ref in rows:
        ticket = {"id": pk, "title": title}
        if external_ref:
            ticket["external_ref"] = external_ref
        tickets[candidate_id].append(ticket)
    return [
        {
            "id": c.pk,
            "title": c.title,
            "size": c.size,
            "first_resolved": c.first_resolved.isoformat() if c.first_resolved else None,
            "last_resolved": c.last_resolved.isoformat() if c.last_resolved else None,
            "tickets": tickets[c.pk],
        }
        for c in candidates
    ]
