"""FAQ candidates: resolved tickets without an FAQ, grouped by similarity."""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from helpdesk.models import Ticket

from helpdesk_site.tickets import scope
from kb import clustering
from kb.models import CandidateState, FaqCandidate

WINDOW_DAYS = 90
RESOLVED = (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)


def _words(title: str, body: str) -> list[str]:
    # The title names the problem; it counts twice.
    words = title.split()
    return words + words + body.split()


@transaction.atomic
def propose(now=None, threshold: float = clustering.DEFAULT_THRESHOLD) -> int:
    """Replace the open candidates with fresh groups of the last 90 days.

    Tickets already answered by an FAQ, or in a group someone accepted or
    dismissed, are left out. A fresh group that continues an open candidate
    (most of its tickets) keeps that candidate's id, so the links to it
    still lead to the same problem."""
    now = now or timezone.now()
    decided = FaqCandidate.objects.exclude(state=CandidateState.OPEN).values("tickets")
    rows = list(
        Ticket.objects.filter(
            status__in=RESOLVED,
            modified__gte=now - timedelta(days=WINDOW_DAYS),
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
            "search_text__title_segmented",
            "search_text__body_segmented",
        )
        .order_by("pk")
    )
    documents = [_words(row[4], row[5]) for row in rows]
    groups = clustering.similar_groups(documents, threshold)
    members_of = [[rows[i] for i in group] for group in groups]
    previous: dict[int, set[int]] = {}
    for key, ticket in FaqCandidate.tickets.through.objects.filter(
        faqcandidate__state=CandidateState.OPEN
    ).values_list("faqcandidate_id", "ticket_id"):
        previous.setdefault(key, set()).add(ticket)
    continued = clustering.carried_over(previous, [{m[0] for m in ms} for ms in members_of])
    FaqCandidate.objects.filter(state=CandidateState.OPEN).exclude(
        pk__in=continued.values()
    ).delete()
    for index, (group, members) in enumerate(zip(groups, members_of, strict=True)):
        representative = rows[clustering.medoid(group, documents)]
        subsystems = Counter(m[3] for m in members if m[3])
        fields = {
            "title": representative[1][:200],
            "size": len(members),
            "first_resolved": min(m[2] for m in members),
            "last_resolved": max(m[2] for m in members),
            "subsystem_id": subsystems.most_common(1)[0][0] if subsystems else None,
        }
        if index in continued:
            candidate = FaqCandidate(pk=continued[index])
            FaqCandidate.objects.filter(pk=candidate.pk).update(**fields)
        else:
            candidate = FaqCandidate.objects.create(**fields)
        candidate.tickets.set([m[0] for m in members])
    return len(groups)
