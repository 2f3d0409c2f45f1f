"""The database backend: PostgreSQL full text search, or SQLite's fallback.

PostgreSQL: the GIN-indexed tsvector finds candidates (`@@`), ts_rank picks
the best few hundred of them, and kb.ranking re-ranks those with BM25, whose
IDF comes from term statistics of the whole collection, counted off the
request path (kb.term_statistics) and read here: a search
reads its own words' document frequencies, never the whole collection.
SQLite: the segmented columns are matched word by word with LIKE, and the
same re-ranking orders the result; slower, but the same answers.
"""

import threading
import time

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q
from helpdesk.models import Ticket

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import Subsystem, TicketDetails
from kb import indexing, ranking, reranking, selectors
from kb.models import Corpus, Faq, FaqState, TicketText

# How many candidates the database hands to the re-ranker.
CANDIDATES = 60
# The rarest words pick the candidates, as long as together they match at
# most this many documents (by their document frequency): otherwise the
# database would rank most of a large collection for every query. Common
# words rarely decide the order (their IDF is low) and still count in the
# re-ranking. The budget is a share of the collection, within bounds, so
# that small collections are never pruned and PostgreSQL keeps using the GIN
# index rather than scanning.
BUDGET_SHARE = 0.05
FAQ_BUDGET = (300, 500)
# Tickets are many and their search is a tool for operators, not the
# answer to a reporter: a tighter net.
TICKET_BUDGET = (200, 300)
# How long a process keeps a collection's stored statistics summary before
# reading it again (a refresh elsewhere then shows within this time).
SUMMARY_SECONDS = 5.0

# Document frequencies already read, per collection, for the stored
# statistics in force (dropped when a newer refresh is seen): query words
# repeat, so most searches read none.
MAX_CACHED_WORDS = 100_000

_stats_lock = threading.Lock()
_summaries: dict[str, tuple[float, ranking.CorpusStats, object]] = {}
_frequencies: dict[str, tuple[object, dict[str, int]]] = {}
# The FAQs' character statistics (kb.reranking.TextStats) for the stored
# statistics in force: counted again only after a refresh.
_text_stats: dict[str, tuple[object, reranking.TextStats]] = {}


def _words(text: str) -> list[str]:
    return text.split()


def _summary(corpus: str) -> tuple[ranking.CorpusStats, object]:
    """Documents and average lengths of a collection (without words), from
    the table kb.term_statistics fills, and when that was refreshed."""
    now = time.monotonic()
    with _stats_lock:
        cached = _summaries.get(corpus)
        if cached and now - cached[0] < SUMMARY_SECONDS:
            return cached[1], cached[2]
    stored = selectors.term_statistics(corpus)
    if stored is None:
        # Never counted (a fresh install): counted here for a while and kept
        # nowhere; the collection's first write stores the count.
        counted = selectors.counted_statistics(corpus)
        summary = ranking.CorpusStats(counted.documents, {}, counted.average_lengths)
        with _stats_lock:
            _summaries[corpus] = (now, summary, None)
            _frequencies[corpus] = (None, dict(counted.document_frequency))
        return summary, None
    summary = ranking.CorpusStats(
        stored.documents, {}, (stored.average_first, stored.average_second)
    )
    with _stats_lock:
        _summaries[corpus] = (now, summary, stored.refreshed_at)
    return summary, stored.refreshed_at


def _document_frequencies(corpus: str, version, terms) -> dict[str, int]:
    """The words' stored document frequencies (those the collection has),
    reading from the database only words this process has not seen since
    the statistics it uses were refreshed."""
    with _stats_lock:
        seen_version, known = _frequencies.get(corpus, (None, None))
        if known is None or seen_version != version or len(known) > MAX_CACHED_WORDS:
            known = {}
            _frequencies[corpus] = (version, known)
        missing = [t for t in terms if t not in known]
    if missing:
        found = selectors.document_frequencies(corpus, missing)
        with _stats_lock:
            known.update((t, found.get(t, 0)) for t in missing)
    return {t: known[t] for t in terms if known.get(t)}


def corpus_stats(corpus: str, terms) -> ranking.CorpusStats:
    """What the ranking needs to rank a search for these words: the stored
    summary and the words' own document frequencies."""
    summary, version = _summary(corpus)
    return ranking.CorpusStats(
        summary.documents,
        _document_frequencies(corpus, version, terms),
        summary.average_lengths,
    )


def forget_stats() -> None:
    """Read the stored statistics again at the next search (they were just
    refreshed in this process, or a test starts)."""
    with _stats_lock:
        _summaries.clear()
        _frequencies.clear()
        _text_stats.clear()


def faq_text_stats() -> reranking.TextStats:
    """The published FAQs' character statistics, counted once for each
    refresh of their term statistics (a refresh follows every change)."""
    _summary_now, version = _summary(Corpus.FAQ)
    with _stats_lock:
        cached = _text_stats.get(Corpus.FAQ)
    if cached and version is not None and cached[0] == version:
        return cached[1]
    counted = reranking.text_stats(selectors.faq_texts())
    # Never stored yet (a fresh install): counted for each search until the
    # collection's first write stores its statistics.
    if version is not None:
        with _stats_lock:
            _text_stats[Corpus.FAQ] = (version, counted)
    return counted


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_any(terms) -> str:
    """A raw tsquery matching any of the words."""
    return " | ".join(_quote(t) for t in terms)


def selecting_terms(
    weights: dict[str, float], stats: ranking.CorpusStats, bounds=FAQ_BUDGET
) -> list[str]:
    """The query's words that pick candidates: typed words before synonyms,
    rarer before commoner, within the budget; at least one word the
    collection has."""
    df = stats.document_frequency
    known = sorted(
        (t for t in weights if df.get(t, 0) > 0), key=lambda t: (weights[t] < 1.0, df[t])
    )
    chosen, total, allowed = [], 0, budget(stats, bounds)
    for term in known:
        if chosen and total + df[term] > allowed:
            continue
        chosen.append(term)
        total += df[term]
    # Statistics may lag a new FAQ by a few seconds: then the typed words
    # themselves select (unknown words cost the GIN index nothing).
    return chosen or [t for t, w in weights.items() if w >= 1.0]


def budget(stats: ranking.CorpusStats, bounds=FAQ_BUDGET) -> int:
    low, high = bounds
    return int(min(high, max(low, BUDGET_SHARE * stats.documents)))


def within_budget(terms: list[str], stats: ranking.CorpusStats, bounds=FAQ_BUDGET) -> bool:
    return sum(stats.document_frequency.get(t, 0) for t in terms) <= budget(stats, bounds)


# What an FAQ hit shows, and the segmented words the second stage
# (kb.reranking) reads, fetched with the candidates (one query, not two).
FAQ_DISPLAY = (
    "kbitem__title",
    "kbitem__question",
    "kbitem__answer",
    "subsystem__name",
    "subsystem__name_en",
    "question_segmented",
    "answer_segmented",
)


def _postgres_candidates(
    rows, vector: str, raw: str, fields: tuple, limit: int, ranked: bool = True
):
    """Matching rows, the best by ts_rank first; unranked (the first the GIN
    index finds) when even the rarest word is so common that ranking them all
    would cost more than it tells."""
    search = SearchQuery(raw, search_type="raw", config="simple")
    rows = rows.filter(**{vector: search})
    if ranked:
        rows = rows.annotate(kb_rank=SearchRank(F(vector), search)).order_by("-kb_rank")
    else:
        # The model's default order would make PostgreSQL walk the primary
        # key testing every row's vector instead of reading the GIN index.
        rows = rows.order_by()
    return list(rows.values_list("pk", *fields)[:limit])


def _holds_word(field: str, term: str) -> Q:
    """The space-separated words of `field` include `term` (not merely a
    longer word containing it)."""
    return (
        Q(**{field: term})
        | Q(**{f"{field}__startswith": f"{term} "})
        | Q(**{f"{field}__endswith": f" {term}"})
        | Q(**{f"{field}__contains": f" {term} "})
    )


def _sqlite_candidates(rows, query, stats, fields: tuple, bounds) -> list:
    """Rows holding one of the words that pick candidates (as on
    PostgreSQL: the rarest typed words within the budget), all of them
    re-ranked: SQLite has no index to rank them by first."""
    match = Q()
    for term in selecting_terms(query.weights, stats, bounds):
        match |= _holds_word(fields[0], term) | _holds_word(fields[1], term)
    return list(rows.filter(match).values_list("pk", *fields)[: budget(stats, bounds)])


def _ranked(candidates, query, stats, limit):
    """(pk, score, display fields) of the best candidates."""
    documents = [(row[0], (_words(row[1]), _words(row[2]))) for row in candidates]
    display = {row[0]: row[3:] for row in candidates}
    ranked = ranking.rank(
        query.weights, list(query.groups), documents, stats, limit, query.platform_only
    )
    return [(pk, score, display[pk]) for pk, score in ranked]


def _searched_faqs(query, public_only: bool):
    faqs = Faq.objects.filter(state=FaqState.PUBLISHED)
    if public_only:
        faqs = faqs.filter(is_public=True)
    if query.subsystem:
        faqs = faqs.filter(subsystem__code=query.subsystem)
    if query.category:
        faqs = faqs.filter(category=query.category)
    return faqs


FAQ_FIELDS = ("question_segmented", "answer_segmented", *FAQ_DISPLAY)


def faq_ids(query, public_only: bool, limit: int) -> list[tuple[int, float, tuple]]:
    faqs = _searched_faqs(query, public_only)
    stats = corpus_stats(Corpus.FAQ, query.weights)
    if indexing.uses_postgres():
        terms = selecting_terms(query.weights, stats)
        if not terms:
            return []
        # Within the budget every match is re-ranked (ts_rank, without IDF,
        # would drop good answers before the ranking sees them); beyond it,
        # the first the index finds.
        within = within_budget(terms, stats)
        candidates = _postgres_candidates(
            faqs,
            "search_vector",
            tsquery_any(terms),
            FAQ_FIELDS,
            budget(stats) if within else CANDIDATES,
            ranked=False,
        )
    else:
        candidates = _sqlite_candidates(faqs, query, stats, FAQ_FIELDS, FAQ_BUDGET)
    return _ranked(candidates, query, stats, limit)


def rank_faqs(ids, query, public_only: bool, limit: int) -> list[tuple[int, float, tuple]]:
    """The FAQs of `ids` (found elsewhere, as by Elasticsearch) that the
    search may show, ranked here as this backend ranks its own candidates:
    the second stage then reads the same first-stage scores whichever
    backend found them."""
    stats = corpus_stats(Corpus.FAQ, query.weights)
    rows = _searched_faqs(query, public_only).filter(pk__in=list(ids))
    return _ranked(list(rows.values_list("pk", *FAQ_FIELDS)), query, stats, limit)


def filters(query) -> dict:
    """The search's filters, as conditions on the ticket details."""
    filters = {}
    if query.subsystem:
        filters["subsystem__code"] = query.subsystem
    if query.category:
        filters["category"] = query.category
    return filters


def _scope_sql(user, query, column: str) -> tuple[str, list] | None:
    """SQL that keeps `column` (a ticket id) among the user's tickets that
    the search's filters keep, as a subquery compiled from the scope
    module's ids: "" when that keeps every ticket, None when it keeps none."""
    kept = filters(query)
    if scope.sees_all_tickets(user) and not kept:
        return "", []
    ids = scope.visible_ticket_ids(user, **kept)
    try:
        # Unordered: the model's default order would stop PostgreSQL from
        # merging the subquery, and it would walk every ticket.
        sql, params = ids.order_by().query.sql_with_params()
    except EmptyResultSet:
        return None
    return f" AND {column} IN ({sql})", list(params)


def _ticket_candidates(user, query, raw: str, pool: int = CANDIDATES) -> list[tuple[int, str, str]]:
    """(ticket id, segmented title, segmented body) of the best matches among
    the user's tickets that the filters keep. Found and ranked in the text
    table alone: joining every match to its ticket before ranking cost more
    than the ranking, and building this query through the ORM cost a
    millisecond a search (docs/kb.md)."""
    restricted = _scope_sql(user, query, "ticket_id")
    if restricted is None:
        return []
    restriction, scope_params = restricted
    texts = TicketText._meta.db_table
    # Always ranked, however common the words: taking the first matches the
    # index finds instead lost a third of the held-out queries' answers
    # (bench/search.py, docs/kb.md). Ranked first, then tested against the
    # scope in rank order until enough are kept, so that a broad scope (a
    # county, half the queues) does not test every match. OFFSET 0 keeps
    # PostgreSQL from pulling the test down into the ranking.
    sql = (
        "SELECT ticket_id, title_segmented, body_segmented FROM ("  # noqa: S608
        "SELECT ticket_id, title_segmented, body_segmented, "
        "ts_rank(search_vector, to_tsquery('simple', %s)) AS rank "
        f"FROM {texts} WHERE search_vector @@ to_tsquery('simple', %s) "
        "ORDER BY rank DESC OFFSET 0"
        f") AS matches WHERE TRUE{restriction} ORDER BY rank DESC LIMIT %s"
    )
    params = [raw, raw, *scope_params, pool]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _display_rows(ids, restriction: str = "", params=()) -> dict[int, tuple]:
    """What a ticket hit shows (title, description, resolution, the
    subsystem's two names), by ticket id."""
    sql = (
        "SELECT t.id, t.title, t.description, t.resolution, s.name, s.name_en "  # noqa: S608
        f"FROM {Ticket._meta.db_table} t "
        f"LEFT JOIN {TicketDetails._meta.db_table} d ON d.ticket_id = t.id "
        f"LEFT JOIN {Subsystem._meta.db_table} s ON s.id = d.subsystem_id "
        f"WHERE t.id IN ({', '.join(['%s'] * len(ids))}){restriction}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *params])
        return {row[0]: row[1:] for row in cursor.fetchall()}


def ticket_display(user, query, ids) -> dict[int, tuple]:
    """What a ticket hit shows, for those of `ids` (found elsewhere, as by
    Elasticsearch) that the user may see and the search's filters keep."""
    if not ids:
        return {}
    restricted = _scope_sql(user, query, "t.id")
    if restricted is None:
        return {}
    return _display_rows(ids, *restricted)


def _scoped_tickets(user, query):
    """The user's tickets that the search's filters keep (SQLite's search
    matches the words in their text)."""
    return Ticket.objects.filter(pk__in=scope.visible_ticket_ids(user, **filters(query)))


def ticket_ids(query, user, limit: int) -> list[tuple[int, float, tuple]]:
    """The best tickets in the user's scope, with what each shows: read for
    these few only, after ranking, and not checked again, since the scope
    chose the candidates. A later page (a larger limit) ranks more candidates."""
    pool = max(CANDIDATES, limit)
    stats = corpus_stats(Corpus.TICKET, query.weights)
    if indexing.uses_postgres():
        terms = selecting_terms(query.weights, stats, TICKET_BUDGET)
        if not terms:
            return []
        candidates = _ticket_candidates(user, query, tsquery_any(terms), pool=pool)
    else:
        fields = ("search_text__title_segmented", "search_text__body_segmented")
        candidates = _sqlite_candidates(
            _scoped_tickets(user, query), query, stats, fields, TICKET_BUDGET
        )
    best = _ranked(candidates, query, stats, limit)
    display = _display_rows([pk for pk, _score, _display in best]) if best else {}
    # A ticket deleted since it was found has nothing to show.
    return [(pk, score, display[pk]) for pk, score, _display in best if pk in display]


def ticket_count(query, user) -> int:
    """How many of the user's tickets (that the filters keep) the words
    select: the total that the pages of ranked hits come from."""
    stats = corpus_stats(Corpus.TICKET, query.weights)
    if not indexing.uses_postgres():
        match = Q()
        for term in query.weights:
            match |= Q(search_text__title_segmented__contains=term)
            match |= Q(search_text__body_segmented__contains=term)
        return _scoped_tickets(user, query).filter(match).count()
    terms = selecting_terms(query.weights, stats, TICKET_BUDGET)
    restricted = _scope_sql(user, query, "ticket_id")
    if not terms or restricted is None:
        return 0
    restriction, scope_params = restricted
    sql = (
        f"SELECT count(*) FROM {TicketText._meta.db_table} "  # noqa: S608
        f"WHERE search_vector @@ to_tsquery('simple', %s){restriction}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery_any(terms), *scope_params])
        return cursor.fetchone()[0]


def tickets_with_every_word(query):
    """Ids of the tickets whose text has every typed word (or one of its
    synonyms), as a subquery; a list narrows its own scoped tickets by it."""
    groups = query.groups
    if indexing.uses_postgres():
        raw = " & ".join(f"({tsquery_any(sorted(group))})" for group in groups)
        search = SearchQuery(raw, search_type="raw", config="simple")
        return TicketText.objects.filter(search_vector=search).values("ticket_id")
    match = Q()
    for group in groups:
        either = Q()
        for term in group:
            either |= Q(title_segmented__contains=term) | Q(body_segmented__contains=term)
        match &= either
    return TicketText.objects.filter(match).values("ticket_id")
