"""The Elasticsearch backend (elasticsearch-dsl), used when ELASTICSEARCH_URL is set.

Elasticsearch never segments Chinese itself: documents arrive already cut by
kb.segment (normalised, space-separated words and character pairs) and are
analysed by a whitespace analyzer, and queries are `term` queries on those
same words with the same weights as the database backend (question ×2,
synonyms, pairs and thesaurus words less). Platform synonyms count only in
documents that name the platform (kb.lexicon.PLATFORM_MARKERS), as in
kb.ranking. Elasticsearch's BM25 (k1 1.2, b 0.75) is the formula kb.ranking
uses, so both backends agree.

Normalisation: kb.segment folds traditional to simplified and full-width to
half-width before anything reaches the index or a query. Stock Elasticsearch
has no traditional/simplified conversion (that needs a plugin), but its
built-in `cjk_width` filter folds full-width Latin and digits, so the
analyzer also applies it, with `lowercase`, to whatever arrives unfolded.

Who sees which ticket is a filter inside Elasticsearch, built from the
scope module's rule as data (scope.scope_rule): each ticket document carries
where it was filed (region code, department), its queue and who it is
assigned to, so a narrow scope gets its own best hits, not what is left of
everyone's. The database still has the last word on what is shown (the
index can lag).

Every failure to reach the cluster raises SearchUnavailable, on which the
caller searches the database instead; changes wait in kb.IndexPending.
"""

from django.conf import settings
from django.utils import timezone
from elasticsearch import ApiError, TransportError
from elasticsearch.helpers import BulkIndexError, bulk
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Q,
    Search,
    Text,
    analyzer,
    connections,
)

from helpdesk_site.tickets import scope
from kb.lexicon import PLATFORM_MARKERS
from kb.models import Corpus, Faq, FaqState, IndexPending, TicketText
from kb.search import database
from kb.search.database import CANDIDATES, ticket_display
from kb.search.errors import SearchUnavailable

ALIAS = "kb"
# The words are cut already; only split on the spaces kb.segment put there.
kb_words = analyzer("kb_words", tokenizer="whitespace", filter=["cjk_width", "lowercase"])
# Field weights as in kb.ranking.FIELD_WEIGHTS.
QUESTION_BOOST = 2.0
ANSWER_BOOST = 1.0


class FaqDocument(Document):
    question = Text(analyzer=kb_words)
    answer = Text(analyzer=kb_words)
    title = Keyword(index=False)
    state = Keyword()
    is_public = Boolean()
    subsystem = Keyword()
    category = Keyword()
    updated = Date()


class TicketDocument(Document):
    title = Text(analyzer=kb_words)
    body = Text(analyzer=kb_words)
    subsystem = Keyword()
    category = Keyword()
    status = Integer()
    created = Date()
    # What the scope filters on (scope.ScopeRule).
    region_code = Keyword()
    department = Integer()
    queue = Integer()
    assigned_to = Integer()


def index_name(kind: str) -> str:
    return f"{settings.KB_ES_INDEX_PREFIX}-{kind}"


def index_for(kind: str) -> Index:
    index = Index(index_name(kind), using=ALIAS)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.analyzer(kb_words)
    index.document(FaqDocument if kind == "faq" else TicketDocument)
    return index


_connected_to = {"url": None}


def client():
    """The connection to settings.ELASTICSEARCH_URL (made again if it changed)."""
    url = settings.ELASTICSEARCH_URL
    if _connected_to["url"] != url:
        if _connected_to["url"] is not None:
            connections.remove_connection(ALIAS)
        connections.create_connection(
            alias=ALIAS,
            hosts=[url],
            request_timeout=settings.KB_ES_TIMEOUT,
            max_retries=0,
            retry_on_timeout=False,
        )
        _connected_to["url"] = url
    return connections.get_connection(ALIAS)


def _unavailable(error) -> SearchUnavailable:
    return SearchUnavailable(f"{type(error).__name__}: {error}"[:300])


# --- Documents -------------------------------------------------------------


def faq_document(faq: Faq) -> dict:
    """An FAQ as Elasticsearch stores it (with _id and _index for bulk)."""
    doc = FaqDocument(
        meta={"id": faq.pk, "index": index_name("faq")},
        question=faq.question_segmented,
        answer=faq.answer_segmented,
        title=faq.kbitem.title,
        state=faq.state,
        is_public=faq.is_public,
        subsystem=faq.subsystem.code if faq.subsystem_id else "",
        category=faq.category,
        updated=faq.updated,
    )
    return doc.to_dict(include_meta=True)


def ticket_document(text: TicketText) -> dict:
    ticket = text.ticket
    details = getattr(ticket, "details", None)
    doc = TicketDocument(
        meta={"id": ticket.pk, "index": index_name("ticket")},
        title=text.title_segmented,
        body=text.body_segmented,
        subsystem=details.subsystem.code if details else "",
        category=details.category if details else "",
        status=ticket.status,
        created=ticket.created,
        region_code=details.region.code if details else None,
        department=details.department_id if details else None,
        queue=ticket.queue_id,
        assigned_to=ticket.assigned_to_id,
    )
    return doc.to_dict(include_meta=True)


TICKET_RELATED = ("ticket__details__subsystem", "ticket__details__region")


# --- Queries -----------------------------------------------------------------


def _term_clauses(terms: dict[str, float], first: str, second: str) -> list:
    clauses = []
    for term, weight in terms.items():
        clauses.append(Q("term", **{first: {"value": term, "boost": QUESTION_BOOST * weight}}))
        clauses.append(Q("term", **{second: {"value": term, "boost": ANSWER_BOOST * weight}}))
    return clauses


def _should(query, first: str, second: str) -> list:
    """The query's words as scoring clauses; platform synonyms only in a
    document that names the platform."""
    weights = query.weights
    clauses = _term_clauses(
        {t: w for t, w in weights.items() if t not in query.platform_only}, first, second
    )
    platform = {t: w for t, w in weights.items() if t in query.platform_only}
    if platform:
        markers = sorted(PLATFORM_MARKERS)
        clauses.append(
            Q(
                "bool",
                should=_term_clauses(platform, first, second),
                minimum_should_match=1,
                filter=[Q("terms", **{first: markers}) | Q("terms", **{second: markers})],
            )
        )
    return clauses


def faq_search(query, public_only: bool, limit: int) -> Search:
    search = Search(using=ALIAS, index=index_name("faq")).filter(
        "term", state=FaqState.PUBLISHED.value
    )
    if public_only:
        search = search.filter("term", is_public=True)
    if query.subsystem:
        search = search.filter("term", subsystem=query.subsystem)
    if query.category:
        search = search.filter("term", category=query.category)
    search = search.query(
        Q("bool", should=_should(query, "question", "answer"), minimum_should_match=1)
    )
    return search.source(False).extra(size=limit, track_total_hits=False)


def scope_filter(rule: scope.ScopeRule):
    """The scope rule as an Elasticsearch filter (None: every ticket)."""
    if rule.everything:
        kept = None
    elif rule.nothing:
        return Q("match_none")
    else:
        either = []
        if rule.region_prefix is not None:
            either.append(Q("prefix", region_code=rule.region_prefix))
        if rule.department_id is not None:
            either.append(Q("term", department=rule.department_id))
        if rule.queue_ids:
            either.append(Q("terms", queue=list(rule.queue_ids)))
        if rule.assigned_to_id is not None:
            either.append(Q("term", assigned_to=rule.assigned_to_id))
        kept = Q("bool", should=either, minimum_should_match=1)
    if rule.withdrawn_ids:
        withdrawn = Q("ids", values=[str(pk) for pk in rule.withdrawn_ids])
        return Q("bool", filter=[kept] if kept else [], must_not=[withdrawn])
    return kept


def ticket_search(query, limit: int, rule: scope.ScopeRule | None = None) -> Search:
    """The query's words among the tickets the rule keeps (no rule: all)."""
    search = Search(using=ALIAS, index=index_name("ticket"))
    kept = scope_filter(rule) if rule is not None else None
    if kept is not None:
        search = search.filter(kept)
    if query.subsystem:
        search = search.filter("term", subsystem=query.subsystem)
    if query.category:
        search = search.filter("term", category=query.category)
    search = search.query(Q("bool", should=_should(query, "title", "body"), minimum_should_match=1))
    return search.source(False).extra(size=limit, track_total_hits=False)


def _execute(search: Search) -> list[tuple[int, float, None]]:
    client()
    try:
        response = search.execute()
    except (ApiError, TransportError) as error:
        raise _unavailable(error) from error
    # No display fields: the caller reads them from the database.
    return [(int(hit.meta.id), float(hit.meta.score), None) for hit in response]


def faq_ids(query, public_only: bool, limit: int) -> list[tuple[int, float, tuple]]:
    """Elasticsearch finds the candidates, as many as the database backend
    re-ranks; the database's rows of them (the index can lag) are ranked by
    kb.ranking as there, so the second stage (kb.reranking) gets the same
    first stage from either backend."""
    stats = database.corpus_stats(Corpus.FAQ, query.weights)
    found = _execute(faq_search(query, public_only, max(limit, database.budget(stats))))
    return database.rank_faqs([pk for pk, _score, _display in found], query, public_only, limit)


def ticket_ids(query, user, limit: int) -> list[tuple[int, float, tuple]]:
    """Elasticsearch ranks the user's tickets (the scope is its filter); the
    database, through the scope module, confirms them (the index can lag)
    and reads what they show."""
    rule = scope.scope_rule(user)
    if rule.nothing:
        return []
    ranked = _execute(ticket_search(query, max(CANDIDATES, limit), rule))
    display = ticket_display(user, query, [pk for pk, _score, _display in ranked])
    return [(pk, score, display[pk]) for pk, score, _display in ranked if pk in display][:limit]


def ticket_count(query, user) -> int:
    """How many of the user's tickets the words find, counted by Elasticsearch."""
    rule = scope.scope_rule(user)
    if rule.nothing:
        return 0
    client()
    try:
        return ticket_search(query, 0, rule).count()
    except (ApiError, TransportError) as error:
        raise _unavailable(error) from error


# --- Indexing ------------------------------------------------------------------


def _faq_actions(ids):
    faqs = Faq.objects.select_related("kbitem", "subsystem").filter(pk__in=ids)
    found = set()
    for faq in faqs.iterator(chunk_size=500):
        found.add(faq.pk)
        yield faq_document(faq)
    for pk in set(ids) - found:
        yield {"_op_type": "delete", "_index": index_name("faq"), "_id": pk}


def _ticket_actions(ids):
    texts = TicketText.objects.select_related(*TICKET_RELATED).filter(ticket_id__in=ids)
    found = set()
    for text in texts.iterator(chunk_size=500):
        found.add(text.pk)
        yield ticket_document(text)
    for pk in set(ids) - found:
        yield {"_op_type": "delete", "_index": index_name("ticket"), "_id": pk}


def _bulk(actions) -> int:
    try:
        sent, errors = bulk(client(), actions, raise_on_error=False, raise_on_exception=True)
    except (ApiError, TransportError, BulkIndexError) as error:
        raise _unavailable(error) from error
    # Deleting a document that was never indexed is no error for us.
    real = [e for e in errors if next(iter(e.values())).get("status") != 404]
    if real:
        raise SearchUnavailable(f"{len(real)} documents refused: {real[0]}"[:300])
    return sent


def ensure_indexes() -> None:
    client()  # the indexes talk through the connection it registers
    try:
        for kind in ("faq", "ticket"):
            index = index_for(kind)
            if not index.exists():
                index.create()
    except (ApiError, TransportError) as error:
        raise _unavailable(error) from error


def send_pending(kinds_ids=None, batch: int = 500) -> int:
    """Send changes waiting in IndexPending (or the given ones); forget them
    only once Elasticsearch took them."""
    started = timezone.now()
    ensure_indexes()
    if kinds_ids is None:
        pending = IndexPending.objects.filter(since__lte=started).order_by("since")
        kinds_ids = list(pending.values_list("kind", "object_id")[:batch])
    rows = list(kinds_ids)
    sent = 0
    for kind, actions in (("faq", _faq_actions), ("ticket", _ticket_actions)):
        ids = [pk for k, pk in rows if k == kind]
        if ids:
            sent += _bulk(actions(ids))
            IndexPending.objects.filter(kind=kind, object_id__in=ids, since__lte=started).delete()
    return sent


def reindex_all(progress=None) -> dict[str, int]:
    """Recreate both indexes from the database and send every FAQ and ticket."""
    started = timezone.now()
    counts = {}
    client()  # the indexes talk through the connection it registers
    try:
        for kind in ("faq", "ticket"):
            index = index_for(kind)
            index.delete(ignore_unavailable=True)
            index.create()
    except (ApiError, TransportError) as error:
        raise _unavailable(error) from error
    counts["faq"] = _bulk(
        faq_document(faq)
        for faq in Faq.objects.select_related("kbitem", "subsystem").iterator(chunk_size=500)
    )
    if progress:
        progress(f"faq: {counts['faq']}")
    counts["ticket"] = _bulk(
        ticket_document(text)
        for text in TicketText.objects.select_related(*TICKET_RELATED).iterator(chunk_size=1000)
    )
    if progress:
        progress(f"ticket: {counts['ticket']}")
    IndexPending.objects.filter(since__lte=started).delete()
    return counts
