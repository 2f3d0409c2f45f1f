"""Term statistics for ranking: counted here, off the request path.

BM25 needs, for the whole collection, each word's document frequency, the
number of documents and the fields' average lengths. Counting them means
reading every row, so it happens here: periodically (kb.tasks), after a
reindex or an import, after a published FAQ changed, and once when a
collection's first document is written. Searches only read the result
(kb.selectors) and never write it.
"""

import threading
import time
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from kb import indexing, ranking, selectors
from kb.models import Corpus, TermFrequency, TermStatistics
from kb.search import database

_deferred = threading.local()


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
    rows, fields, condition = selectors.corpus_documents(corpus)
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
    database.forget_stats()
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


def refresh_on_commit(corpus: str) -> None:
    """Count the collection again once the change being written commits
    (unless a run of changes counts once at its end)."""
    if getattr(_deferred, "depth", 0):
        return
    transaction.on_commit(lambda: refresh_term_statistics(corpus))


def ensure_on_commit(corpus: str) -> None:
    """Count a collection that was never counted, once a document written
    to it commits; later the periodic task keeps it current."""
    if selectors.term_statistics(corpus) is None:
        transaction.on_commit(lambda: refresh_term_statistics(corpus, only_if_missing=True))


@contextmanager
def deferred():
    """Many FAQs change in a row (an import): one refresh at the end rather
    than one per FAQ, also when the run stops half-way."""
    _deferred.depth = getattr(_deferred, "depth", 0) + 1
    try:
        yield
    finally:
        _deferred.depth -= 1
        if not _deferred.depth:
            refresh_term_statistics(Corpus.FAQ)
