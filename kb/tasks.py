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
    """Redo the FAQ candidates from the window's resolved tickets (nightly)."""
    from kb import candidates

    try:
        return candidates.propose().candidates
    except candidates.RunInProgress:
        logger.warning("kb: FAQ candidates are being grouped already; this run is skipped")
        return 0


@shared_task(ignore_result=True)
def join_new_candidate_tickets() -> int:
    """Place the tickets resolved since the last run among the FAQ candidates."""
    from kb import candidates

    try:
        return candidates.join_new().joined
    except candidates.RunInProgress:
        logger.warning("kb: FAQ candidates are being grouped already; this run is skipped")
        return 0


@shared_task(ignore_result=True)
def refresh_term_statistics() -> None:
    """Count the ranking's term statistics of every collection again, off
    the request path."""
    from kb import term_statistics
    from kb.models import Corpus

    for corpus in Corpus.values:
        term_statistics.refresh_term_statistics(corpus)
