"""One search interface over FAQs and tickets, two backends chosen by settings.

`search_faqs` and `search_tickets` segment the query (kb.segment), add the
synonyms, let the backend find candidates, rank them, and return `Hit`s with
highlighted snippets. FAQ hits are then re-ranked (kb.reranking) and scored
by the probability that they answer the query. A hit is `confident` when
that probability (for tickets: its score as a share of the best possible for
the typed words, kb.ranking.confidence) reaches the calibrated floor: the
filing form suggests only those, and a search without one is a knowledge gap.
The backend is the database (PostgreSQL full text, or
the SQLite fallback) unless settings.KB_SEARCH_BACKEND is "elasticsearch";
if Elasticsearch does not answer, the database answers instead and the
fallback is logged.

Who sees what: everyone finds published FAQs (anonymous visitors only the
public ones); tickets are searched only by operators, supervisors and
administrators, always inside their scope (`helpdesk_site.tickets.scope`).
"""

import logging
import math
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import subsystem_label
from kb import indexing, ranking, reranking
from kb.models import Corpus, Faq, FaqState
from kb.search import database, lookup
from kb.search.errors import SearchUnavailable
from kb.segment import expand_query, query_terms

logger = logging.getLogger(__name__)

MAX_LIMIT = 50
# The operators' search page: ranked ticket hits page by page, so far.
TICKETS_PER_PAGE = 20
MAX_TICKET_PAGES = 10
# NUL and the other control characters are no part of a search (the
# database refuses a NUL).
JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

__all__ = [
    "Hit",
    "Query",
    "SearchUnavailable",
    "TicketPage",
    "search_faqs",
    "search_ticket_page",
    "search_tickets",
    "tickets_with_every_word",
]


def clean(text) -> str:
    """What is left of a search text once junk is taken out."""
    return JUNK.sub("", text or "")


@dataclass(frozen=True)
class Query:
    text: str
    terms: list[str]
    weights: dict[str, float]
    subsystem: str = ""
    category: str = ""
    # For each typed word, what stands for it; and the words that count
    # only on platform text (kb.segment.expand_query).
    groups: tuple = ()
    platform_only: frozenset = frozenset()

    @classmethod
    def parse(cls, text: str, subsystem: str = "", category: str = "") -> "Query":
        text = clean(text).strip()[:300]
        terms = query_terms(text)
        expansion = expand_query(terms)
        return cls(
            text,
            terms,
            expansion.weights,
            clean(subsystem),
            clean(category),
            tuple(expansion.groups),
            expansion.platform_only,
        )


@dataclass(frozen=True)
class Hit:
    kind: str  # "faq" or "ticket"
    id: int
    title: str
    snippet: SafeString
    score: float
    subsystem: str
    url: str
    # Above the relevance floor: worth suggesting (kb.reranking.floor for
    # FAQs, kb.ranking.CONFIDENCE_FLOOR for tickets).
    confident: bool = False


def searchable_faqs(public_only: bool):
    faqs = Faq.objects.filter(state=FaqState.PUBLISHED)
    return faqs.filter(is_public=True) if public_only else faqs


def may_search_tickets(user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and (scope.works_tickets(user) or user.role in (Role.SUPERVISOR, Role.ADMIN))
    )


def _backend():
    if indexing.uses_elasticsearch():
        from kb.search import elastic

        return elastic
    return database


def _run(method: str, query: Query, *args):
    backend = _backend()
    if backend is not database:
        try:
            return getattr(backend, method)(query, *args)
        except SearchUnavailable as error:
            logger.warning("kb: Elasticsearch unavailable (%s); searching the database", error)
    return getattr(database, method)(query, *args)


def _limit(limit) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _detail_urls(view: str):
    """pk -> the detail page's URL, reversing the route once per search
    rather than once per hit (a tenth of a millisecond each)."""
    sentinel = "2147483647"
    before, after = reverse(view, args=[sentinel]).split(sentinel)
    return lambda pk: f"{before}{int(pk)}{after}"


def _with_display(ranked, rows) -> list[tuple[int, float, tuple]]:
    """Fill in display fields the backend did not fetch, from `rows`, the
    queryset that also decides what may be shown; drop what it refuses."""
    missing = [pk for pk, _score, display in ranked if display is None]
    found = {row[0]: row[1:] for row in rows.filter(pk__in=missing)} if missing else {}
    complete = []
    for pk, score, display in ranked:
        display = display if display is not None else found.get(pk)
        if display is not None:
            complete.append((pk, score, display))
    return complete


def _confident(query: Query, corpus: str):
    """score -> whether it reaches the floor, for this query's typed words."""
    stats = database.corpus_stats(corpus, query.terms)
    return lambda score: ranking.confidence(score, query.terms, stats) >= ranking.CONFIDENCE_FLOOR


def _hit(kind, pk, score, title, snippet, names, url, confident) -> Hit:
    """A hit as the pages show it; `snippet` comes from kb.ranking, which
    escapes the text before marking the words; `names` are the subsystem's
    Chinese and English names."""
    name, name_en = names
    return Hit(
        kind=kind,
        id=pk,
        title=title,
        snippet=mark_safe(snippet),  # noqa: S308 - escaped by kb.ranking
        score=round(score, 4),
        subsystem=subsystem_label(name or "", name_en or ""),
        url=url(pk),
        confident=confident(score),
    )


def faq_candidates(query: Query, public_only: bool, pool: int) -> dict[int, tuple]:
    """The first stage's best FAQs for the query, best first: pk ->
    (the candidate as the second stage reads it, what the hit shows)."""
    ranked = _run("faq_ids", query, public_only, pool)
    # An external index can lag: the database has the last word on what is shown.
    rows = searchable_faqs(public_only).values_list("pk", *database.FAQ_DISPLAY)
    found = {}
    for pk, score, display in _with_display(ranked, rows):
        _title, question, answer, _name, _name_en, question_words, answer_words = display
        words = (tuple(question_words.split()), tuple(answer_words.split()))
        found[pk] = (reranking.Candidate(pk, score, question, answer, *words), display)
    return found


def reranking_query(query: Query) -> reranking.QueryText:
    return reranking.QueryText(query.text, query.terms, list(query.groups), query.weights)


def search_faqs(
    text, *, user=None, subsystem="", category="", limit=10, public_only=None
) -> list[Hit]:
    """Published FAQs matching the text; visitors (and user=None) get only
    public ones unless public_only=False is asked for (management commands).
    The first stage's best are re-ranked (kb.reranking); a hit's score is
    the probability that it answers the query."""
    query = Query.parse(text, subsystem, category)
    if not query.terms:
        return []
    if public_only is None:
        public_only = user is None or not user.is_authenticated
    limit = _limit(limit)
    found = faq_candidates(query, public_only, max(limit, reranking.POOL))
    stats = database.corpus_stats(Corpus.FAQ, query.weights)
    candidates = [candidate for candidate, _display in found.values()]
    ranked = reranking.rerank(reranking_query(query), candidates, stats, database.faq_text_stats())[
        :limit
    ]
    marks = list(query.weights)
    url = _detail_urls("kb:detail")
    floor = reranking.floor()
    hits = []
    for pk, probability in ranked:
        title, question, answer, name, name_en, *_words = found[pk][1]
        snippet = ranking.best_snippet([answer, question], marks)
        hits.append(
            _hit("faq", pk, probability, title, snippet, (name, name_en), url, floor.__le__)
        )
    return hits


def search_tickets(text, *, user, subsystem="", category="", limit=10) -> list[Hit]:
    if not may_search_tickets(user):
        return []
    query = Query.parse(text, subsystem, category)
    if not query.terms:
        return []
    # Either backend returns only what the scope keeps, with its display
    # fields read from the database.
    ranked = _run("ticket_ids", query, user, _limit(limit))
    return _ticket_hits(query, ranked)


@dataclass(frozen=True)
class TicketPage:
    """One page of the operators' ticket search and how many there are."""

    hits: list[Hit]
    total: int
    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _ticket_hits(query, ranked) -> list[Hit]:
    url = _detail_urls("tickets:detail")
    marks = list(query.weights)
    confident = _confident(query, Corpus.TICKET)
    return [
        _hit(
            "ticket",
            pk,
            score,
            title,
            ranking.snippet(f"{description or ''} {resolution or ''}", marks),
            names,
            url,
            confident,
        )
        for pk, score, (title, description, resolution, *names) in ranked
    ]


def search_ticket_page(
    text, *, user, subsystem="", category="", page=1, per_page=TICKETS_PER_PAGE
) -> TicketPage:
    """Tickets the text names (number, phone fragment, external reference)
    first, then those its words find, best first; one page of them and the
    total, all inside the user's scope."""
    if not may_search_tickets(user):
        return TicketPage([], 0, 1, 0)
    query = Query.parse(text, subsystem, category)
    page = max(1, min(int(page), MAX_TICKET_PAGES))
    named = lookup.named_tickets(query.text, user, **database.filters(query))
    ranked, found = [], 0
    if query.terms:
        ranked = _run("ticket_ids", query, user, page * per_page)
        found = _run("ticket_count", query, user)
    ranked_ids = {pk for pk, _score, _display in ranked}
    display = database.ticket_display(user, query, named)
    first = [(pk, 0.0, display[pk]) for pk in named if pk in display]
    merged = first + [row for row in ranked if row[0] not in display]
    total = len(first) + found - len(ranked_ids & set(display))
    pages = min(MAX_TICKET_PAGES, math.ceil(total / per_page))
    start = (page - 1) * per_page
    hits = _ticket_hits(query, merged[start : start + per_page])
    return TicketPage(hits, total, page, pages)


def tickets_with_every_word(text):
    """Ids of the tickets whose text has every word of `text` (or a synonym
    of it), as a subquery, or None when the text has no words. It is not a
    scope: callers narrow their own scoped tickets with it (the reporters'
    ticket list)."""
    query = Query.parse(text)
    if not query.terms:
        return None
    return database.tickets_with_every_word(query)
