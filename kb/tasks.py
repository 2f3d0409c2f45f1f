"""Celery tasks of the knowledge base; each is a thin call into the app."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def index_object(kind: str, pk: int) -> None:
    """Send one changed FAQ or ticket to Elasticsearch (queued on commit)."""
    from kb.search import SearchUnavailable, elastic

    try:
        elastic.send_pending(kinds_ids=[(kind, pk)])
    except SearchUnavailable as error:
        logger.warning(
            "kb: Elasticsearch unavailable (%s); %s %s waits for catch-up", error, kind, pk
        )


@shared_task(ignore_result=True)
def index_catch_up() -> int:
    """Send whatever Elasticsearch missed while it was down."""
    from kb import indexing
    from kb.search import SearchUnavailable, elastic

    if not indexing.uses_elasticsearch():
        return 0
    try:
        return elastic.send_pending()
    except SearchUnavailable as error:
        logger.warning("kb: Elasticsearch still unavailable (%s); catch-up postponed", error)
        return 0


@shared_task(ignore_result=True)
def propose_faq_candidates() -> int:
    """Group resolved tickets without an FAQ into ranked FAQ candidates."""
    from kb import candidates

    return candidates.propose()


@shared_task(ignore_result=True)
def refresh_term_statistics() -> None:
    """Count the ranking's term statistics of every collection again, off
    the request path."""
    from kb import term_statistics
    from kb.models import Corpus

    for corpus in Corpus.values:
        term_statistics.refresh_term_statistics(corpus)
