"""Every change to the knowledge base goes through one function here.

Lifecycle: draft → in review → published → retired. Operators write drafts
(from a resolved ticket, from a group of similar tickets, or by hand);
supervisors, administrators and anyone granted `kb.review_faq` (editors)
publish, send back and retire them.
"""

import threading
import time
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import KBCategory, KBItem, Ticket

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import Subsystem
from kb import indexing, ranking, ticket_drafts
from kb.models import (
    CandidateState,
    Corpus,
    Deflection,
    Faq,
    FaqCandidate,
    FaqState,
    Feedback,
    SearchMiss,
    TermFrequency,
    TermStatistics,
    TicketText,
)
from kb.segment import segment

TITLE_LENGTH = 100  # helpdesk's KBItem.title
RESOLVED_STATUSES = (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)


class LifecycleError(Exception):
    """A change the FAQ's state does not allow (e.g. publishing a draft
    that was never reviewed)."""


def can_review(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or user.role in (Role.SUPERVISOR, Role.ADMIN)
        or user.has_perm("kb.review_faq")
    )


def can_write(user) -> bool:
    return scope.works_tickets(user) or can_review(user)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_state(faq: Faq, *states: str) -> None:
    if faq.state not in states:
        raise LifecycleError(
            _("This FAQ is %(state)s; that is not possible now.")
            % {"state": faq.get_state_display()}
        )


def _title_of(question: str) -> str:
    first_line = question.strip().splitlines()[0] if question.strip() else ""
    return first_line[:TITLE_LENGTH]


def kb_category_for(subsystem: Subsystem | None) -> KBCategory:
    """helpdesk's KB category for a subsystem (one each, plus a general one)."""
    if subsystem is None:
        return KBCategory.objects.get_or_create(
            slug="general",
            defaults={"name": "通用", "title": "通用问题", "description": "通用问题"},
        )[0]
    return KBCategory.objects.get_or_create(
        slug=subsystem.code.replace("_", "-"),
        defaults={
            "name": subsystem.name,
            "title": subsystem.name,
            "description": subsystem.description or subsystem.name,
            "queue": subsystem.queue,
        },
    )[0]


def _store(faq: Faq) -> Faq:
    """Save an FAQ with its KB item, segmented text and search vector, and
    queue it for the external index once the transaction commits."""
    item = faq.kbitem
    item.category = kb_category_for(faq.subsystem)
    item.title = _title_of(item.question)
    item.enabled = faq.state == FaqState.PUBLISHED and faq.is_public
    item.last_updated = timezone.now()
    item.save()
    faq.kbitem = item
    faq.question_segmented = segment(item.question)
    faq.answer_segmented = segment(item.answer)
    faq.save()
    indexing.refresh_vector(Faq, faq.pk)
    indexing.index_on_commit("faq", faq.pk)
    # Only published FAQs count in the statistics: a draft that never was
    # published changes nothing.
    if faq.state == FaqState.PUBLISHED or faq.published_at:
        _refresh_faq_statistics_on_commit()
    return faq


@transaction.atomic
def create_draft(
    *,
    user,
    question: str,
    answer: str,
    subsystem: Subsystem | None = None,
    category: str = "",
    is_public: bool = True,
    tickets=(),
) -> Faq:
    """Write a new FAQ draft (by hand, or prefilled from tickets)."""
    _require(can_write(user), _("Only operators and reviewers write FAQs."))
    item = KBItem(question=question.strip(), answer=answer.strip())
    item.category = kb_category_for(subsystem)
    item.title = _title_of(item.question)
    item.enabled = False
    item.save()
    faq = Faq(
        kbitem=item,
        subsystem=subsystem,
        category=category,
        is_public=is_public,
        author=user,
        state=FaqState.DRAFT,
    )
    _store(faq)
    if tickets:
        faq.source_tickets.add(*tickets)
    return faq


def create_draft_from_ticket(*, user, ticket: Ticket) -> Faq:
    """Turn a resolved ticket into an FAQ draft, written the way a group's
    is (kb.ticket_drafts): internal until a reviewer publishes it as public."""
    _require(
        scope.works_tickets(user) and scope.can_view_ticket(user, ticket.pk),
        _("Only operators who work this ticket can turn it into an FAQ."),
    )
    if ticket.status not in RESOLVED_STATUSES:
        raise LifecycleError(_("Only resolved or closed tickets can become an FAQ."))
    draft = ticket_drafts.draft_for([ticket])
    details = getattr(ticket, "details", None)
    with transaction.atomic():
        faq = create_draft(
            user=user,
            question=draft.question,
            answer=draft.answer,
            subsystem=details.subsystem if details else None,
            category=details.category if details else "",
            is_public=False,
            tickets=[ticket],
        )
        ticket_drafts.keep_origin(faq, draft)
    return faq


@transaction.atomic
def edit_faq(
    *, user, faq: Faq, question: str, answer: str, subsystem=None, category="", is_public=True
) -> Faq:
    """Change a draft's (or a published FAQ's, by a reviewer) text and labels."""
    if faq.state == FaqState.PUBLISHED:
        _require(can_review(user), _("Only reviewers change a published FAQ."))
    else:
        _require(can_write(user), _("Only operators and reviewers write FAQs."))
        _require_state(faq, FaqState.DRAFT, FaqState.IN_REVIEW)
    faq.kbitem.question = question.strip()
    faq.kbitem.answer = answer.strip()
    faq.subsystem = subsystem
    faq.category = category
    faq.is_public = is_public
    if faq.state == FaqState.PUBLISHED:
        faq.last_checked = timezone.now()
    return _store(faq)


@transaction.atomic
def submit_for_review(*, user, faq: Faq) -> Faq:
    _require(can_write(user), _("Only operators and reviewers write FAQs."))
    _require_state(faq, FaqState.DRAFT)
    faq.state = FaqState.IN_REVIEW
    return _store(faq)


@transaction.atomic
def publish(*, user, faq: Faq, note: str = "", is_public: bool | None = None) -> Faq:
    """A reviewer approves an FAQ in review: it can be found now, by
    everyone if the reviewer makes it public (`is_public`; None keeps it as
    it is)."""
    _require(can_review(user), _("Only supervisors and editors publish FAQs."))
    _require_state(faq, FaqState.IN_REVIEW)
    if is_public is not None:
        faq.is_public = is_public
    now = timezone.now()
    faq.state = FaqState.PUBLISHED
    faq.reviewer = user
    faq.review_note = note
    faq.published_at = now
    faq.last_checked = now
    return _store(faq)


@transaction.atomic
def send_back(*, user, faq: Faq, note: str) -> Faq:
    """A reviewer returns an FAQ in review to its author, saying why."""
    _require(can_review(user), _("Only supervisors and editors review FAQs."))
    _require_state(faq, FaqState.IN_REVIEW)
    faq.state = FaqState.DRAFT
    faq.reviewer = user
    faq.review_note = note
    return _store(faq)


@transaction.atomic
def retire(*, user, faq: Faq, note: str = "") -> Faq:
    """Take a published FAQ out of search (the platform changed, say)."""
    _require(can_review(user), _("Only supervisors and editors retire FAQs."))
    _require_state(faq, FaqState.PUBLISHED)
    faq.state = FaqState.RETIRED
    faq.reviewer = user
    faq.review_note = note
    return _store(faq)


@transaction.atomic
def mark_checked(*, user, faq: Faq) -> Faq:
    """Someone confirmed the answer still holds for the platform as it is."""
    _require(can_write(user), _("Only operators and reviewers check FAQs."))
    _require_state(faq, FaqState.PUBLISHED)
    faq.last_checked = timezone.now()
    faq.save(update_fields=["last_checked", "updated"])
    return faq


@transaction.atomic
def import_faq(
    *,
    question: str,
    answer: str,
    subsystem: Subsystem | None = None,
    category: str = "",
    source: str = "",
) -> tuple[Faq, bool]:
    """Publish an FAQ from an import file; the same question again updates it.

    (Imports are the administrator's command, so no user and no review.)
    """
    question, answer = question.strip(), answer.strip()
    faq = Faq.objects.select_related("kbitem").filter(kbitem__question=question).first()
    created = faq is None
    now = timezone.now()
    if created:
        item = KBItem(question=question, answer=answer)
        item.category = kb_category_for(subsystem)
        item.title = _title_of(question)
        item.save()
        faq = Faq(kbitem=item)
    faq.kbitem.answer = answer
    faq.subsystem = subsystem
    faq.category = category or faq.category
    faq.source = source[:200]
    faq.state = FaqState.PUBLISHED
    faq.published_at = faq.published_at or now
    faq.last_checked = now
    _store(faq)
    return faq, created


# --- Tickets' search text ------------------------------------------------------


def _ticket_text(ticket: Ticket) -> TicketText:
    body = "\n".join(p for p in (ticket.description, ticket.resolution or "") if p)
    return TicketText(
        ticket_id=ticket.pk, title_segmented=segment(ticket.title), body_segmented=segment(body)
    )


def refresh_ticket_text(ticket: Ticket) -> None:
    """Re-segment a ticket after it changed (title, description, resolution)."""
    text = _ticket_text(ticket)
    TicketText.objects.update_or_create(
        ticket=ticket,
        defaults={"title_segmented": text.title_segmented, "body_segmented": text.body_segmented},
    )
    indexing.refresh_vector(TicketText, ticket.pk)
    indexing.index_on_commit("ticket", ticket.pk)


def add_ticket_texts(tickets: list[Ticket]) -> None:
    """The search text of many tickets stored in bulk (an import of history),
    written in one statement rather than one per ticket."""
    _save_texts([_ticket_text(ticket) for ticket in tickets])
    if indexing.uses_postgres():
        TicketText.objects.filter(pk__in=[t.pk for t in tickets]).update(
            search_vector=indexing.vector_expression(TicketText)
        )
    for ticket in tickets:
        indexing.index_on_commit("ticket", ticket.pk)


# --- What readers tell us --------------------------------------------------------


@transaction.atomic
def record_feedback(*, faq: Faq, user, session_key: str, helpful: bool) -> Feedback:
    """ "Helpful / not helpful": one vote per person (or browser session), the
    latest counts; helpdesk's own counters on the KB item follow."""
    _require(faq.state == FaqState.PUBLISHED, _("This FAQ is not published."))
    who = {"user": user} if user.is_authenticated else {"session_key": session_key, "user": None}
    Feedback.objects.filter(faq=faq, **who).delete()
    feedback = Feedback.objects.create(faq=faq, helpful=helpful, **who)
    item = faq.kbitem
    votes = Feedback.objects.filter(faq=faq)
    item.votes = votes.count()
    item.recommendations = votes.filter(helpful=True).count()
    item.save(update_fields=["votes", "recommendations"])
    if user.is_authenticated:
        item.voted_by.remove(user)
        item.downvoted_by.remove(user)
        (item.voted_by if helpful else item.downvoted_by).add(user)
    return feedback


def record_deflection(*, faq: Faq, user, query: str, subsystem=None) -> Deflection:
    """A reporter's ticket was not filed: the suggested FAQ solved it."""
    _require(faq.state == FaqState.PUBLISHED, _("This FAQ is not published."))
    return Deflection.objects.create(
        faq=faq,
        user=user if user.is_authenticated else None,
        query=query[:300],
        subsystem=subsystem,
    )


def record_search_miss(*, query: str, where: str, user=None) -> None:
    if query.strip():
        SearchMiss.objects.create(
            query=query.strip()[:300],
            where=where,
            user=user if user is not None and user.is_authenticated else None,
        )


# --- FAQ candidates from clusters of tickets ------------------------------------


@transaction.atomic
def accept_candidate(*, user, candidate: FaqCandidate) -> Faq:
    """An operator accepts a proposed FAQ: a draft written from the whole
    group (kb.ticket_drafts), linked to every ticket of the group, internal
    until a reviewer publishes it as public."""
    _require(scope.works_tickets(user), _("Only operators accept FAQ candidates."))
    if candidate.state != CandidateState.OPEN:
        raise LifecycleError(_("This candidate was already decided."))
    tickets = list(scope.visible_tickets(user).filter(faq_candidates=candidate))
    _require(bool(tickets), _("None of these tickets is in your scope."))
    draft = ticket_drafts.draft_for(tickets)
    asked = next((t for t in tickets if t.pk == draft.question_from), tickets[0])
    faq = create_draft(
        user=user,
        question=draft.question,
        answer=draft.answer,
        subsystem=candidate.subsystem,
        category=getattr(getattr(asked, "details", None), "category", ""),
        is_public=False,
        tickets=tickets,
    )
    ticket_drafts.keep_origin(faq, draft)
    candidate.state = CandidateState.ACCEPTED
    candidate.faq = faq
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save()
    return faq


@transaction.atomic
def dismiss_candidate(*, user, candidate: FaqCandidate) -> FaqCandidate:
    _require(scope.works_tickets(user), _("Only operators dismiss FAQ candidates."))
    if candidate.state != CandidateState.OPEN:
        raise LifecycleError(_("This candidate was already decided."))
    candidate.state = CandidateState.DISMISSED
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save()
    return candidate


def resegment_all(progress=None) -> dict[str, int]:
    """Segment every FAQ and ticket again (after the dictionary changed) and
    rebuild their search vectors."""
    counts = {"faq": 0, "ticket": 0}
    batch = []
    for faq in Faq.objects.select_related("kbitem").iterator(chunk_size=1000):
        faq.question_segmented = segment(faq.kbitem.question)
        faq.answer_segmented = segment(faq.kbitem.answer)
        batch.append(faq)
        counts["faq"] += 1
    Faq.objects.bulk_update(batch, ["question_segmented", "answer_segmented"], batch_size=1000)
    indexing.refresh_vector(Faq)
    batch = []
    tickets = Ticket.objects.values_list("pk", "title", "description", "resolution")
    for pk, title, description, resolution in tickets.iterator(chunk_size=2000):
        body = "\n".join(p for p in (description, resolution or "") if p)
        batch.append(
            TicketText(ticket_id=pk, title_segmented=segment(title), body_segmented=segment(body))
        )
        if len(batch) >= 2000:
            counts["ticket"] += _save_texts(batch)
            batch = []
            if progress:
                progress(f"tickets: {counts['ticket']}")
    counts["ticket"] += _save_texts(batch)
    indexing.refresh_vector(TicketText)
    for corpus in Corpus.values:
        refresh_term_statistics(corpus)
    return counts


def _save_texts(texts: list[TicketText]) -> int:
    TicketText.objects.bulk_create(
        texts,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["title_segmented", "body_segmented"],
        batch_size=1000,
    )
    return len(texts)


# --- Term statistics for ranking -------------------------------------------------
#
# BM25 needs, for the whole collection, each word's document frequency, the
# number of documents and the fields' average lengths. Counting them means
# reading every row, so it happens here, off the request path: periodically
# (kb.tasks), after a reindex or import, and after an FAQ changed; searches
# only read the result (kb.selectors).

_deferred = threading.local()


def _corpus_source(corpus: str):
    """The rows of a collection, its two fields as kb.search.database reads
    them, and the same rows as an SQL condition."""
    if corpus == Corpus.FAQ:
        rows = Faq.objects.filter(state=FaqState.PUBLISHED)
        return (
            rows,
            ("question_segmented", "answer_segmented"),
            ("state = %s", [FaqState.PUBLISHED]),
        )
    return TicketText.objects.all(), ("title_segmented", "body_segmented"), ("true", [])


@transaction.atomic
def refresh_term_statistics(corpus: str, only_if_missing: bool = False) -> TermStatistics:
    """Count the collection's term statistics again and store them.

    The words are those the ranking splits the segmented text into (on
    single spaces). PostgreSQL's ts_stat() over the tsvectors would be
    faster, but its parser drops what jieba keeps in a word (50% → 50,
    c++ and c# → c), so its counts differ from the ranking's; the count runs in
    the database over the same split instead.

    `only_if_missing`: the first searches of a fresh install; the ones that
    waited for the first one's count read it instead of counting again."""
    if corpus not in Corpus.values:
        raise ValueError(f"unknown corpus {corpus!r}")
    started = time.perf_counter()
    # Locks the corpus's row: two refreshes at once take turns.
    summary, created = TermStatistics.objects.select_for_update().get_or_create(
        corpus=corpus,
        defaults={
            "documents": 0,
            "average_first": 1.0,
            "average_second": 1.0,
            "refreshed_at": timezone.now(),
            "seconds": 0.0,
        },
    )
    if only_if_missing and not created:
        return summary
    TermFrequency.objects.filter(corpus=corpus).delete()
    rows, fields, condition = _corpus_source(corpus)
    if indexing.uses_postgres():
        documents, averages = _count_in_postgres(
            corpus, rows.model._meta.db_table, fields, condition
        )
    else:
        documents, averages = _count_in_python(corpus, rows, fields)
    summary.documents = documents
    summary.average_first, summary.average_second = averages
    summary.refreshed_at = timezone.now()
    summary.seconds = time.perf_counter() - started
    summary.save()
    # This process reads the new figures at its next search; the others
    # within kb.search.database.SUMMARY_SECONDS.
    from kb.search.database import forget_stats

    forget_stats()
    return summary


def _count_in_postgres(corpus: str, table: str, fields, condition) -> tuple[int, tuple]:
    first, second = fields
    # Table, columns and condition are this module's constants; the values
    # are parameters.
    where, params = condition
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {TermFrequency._meta.db_table} (corpus, term, documents)
            SELECT %s, word, count(*)
            FROM {table} AS document
            CROSS JOIN LATERAL (
                SELECT DISTINCT word
                FROM unnest(string_to_array(document.{first} || ' ' || document.{second}, ' '))
                    AS word
                WHERE word <> ''
            ) AS words
            WHERE {where} AND length(word) <= %s
            GROUP BY word
            """,  # noqa: S608
            [corpus, *params, TermFrequency.MAX_LENGTH],
        )
        # The planner's statistics of the rewritten table: without them it
        # may read all of a collection's words for a search's few
        # (docs/kb.md).
        cursor.execute(f"ANALYZE {TermFrequency._meta.db_table}")
        cursor.execute(
            f"""
            SELECT count(*),
                coalesce(sum(cardinality(array_remove(string_to_array({first}, ' '), ''))), 0),
                coalesce(sum(cardinality(array_remove(string_to_array({second}, ' '), ''))), 0)
            FROM {table} AS document
            WHERE {where}
            """,  # noqa: S608
            params,
        )
        documents, *totals = cursor.fetchone()
    return documents, ranking.average_lengths(documents, totals)


def _count_in_python(corpus: str, rows, fields: tuple[str, str]) -> tuple[int, tuple]:
    # SQLite (the embedded default): few rows, counted by the ranking itself.
    stats = ranking.corpus_stats(
        [(first.split(), second.split()) for first, second in rows.values_list(*fields)]
    )
    TermFrequency.objects.bulk_create(
        (
            TermFrequency(corpus=corpus, term=word, documents=count)
            for word, count in stats.document_frequency.items()
            if len(word) <= TermFrequency.MAX_LENGTH
        ),
        batch_size=1000,
    )
    return stats.documents, stats.average_lengths


def _refresh_faq_statistics_on_commit() -> None:
    if getattr(_deferred, "depth", 0):
        return
    transaction.on_commit(lambda: refresh_term_statistics(Corpus.FAQ))


@contextmanager
def term_statistics_deferred():
    """Many FAQs change in a row (an import): one refresh at the end rather
    than one per FAQ, also when the run stops half-way."""
    _deferred.depth = getattr(_deferred, "depth", 0) + 1
    try:
        yield
    finally:
        _deferred.depth -= 1
        if not _deferred.depth:
            refresh_term_statistics(Corpus.FAQ)
