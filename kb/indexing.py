"""Keeping the search indexes in step with the data.

On PostgreSQL each FAQ and ticket text carries a tsvector (question/title
weighted A, answer/body B) under a GIN index; SQLite has none and searches
the segmented columns. With Elasticsearch configured, every change is first
written down as an `IndexPending` row in the same transaction, then sent by a
Celery task after commit; if Elasticsearch (or the broker) is down the row
stays, and the periodic catch-up task sends it later. Nothing is lost.
"""

import logging

from celery import current_app
from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.utils import timezone

from kb.models import Faq, IndexPending

logger = logging.getLogger(__name__)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def uses_elasticsearch() -> bool:
    return settings.KB_SEARCH_BACKEND == "elasticsearch"


def vector_fields(model) -> tuple[str, str]:
    if model is Faq:
        return ("question_segmented", "answer_segmented")
    return ("title_segmented", "body_segmented")


def vector_expression(model):
    first, second = vector_fields(model)
    return SearchVector(first, weight="A", config="simple") + SearchVector(
        second, weight="B", config="simple"
    )


def refresh_vector(model, pk=None) -> None:
    """Recompute the stored tsvector of one row (or of all, pk=None)."""
    if not uses_postgres():
        return
    rows = model.objects.all() if pk is None else model.objects.filter(pk=pk)
    rows.update(search_vector=vector_expression(model))


def index_on_commit(kind: str, pk: int) -> None:
    """Queue a changed FAQ or ticket for Elasticsearch (when configured)."""
    if not uses_elasticsearch():
        return
    IndexPending.objects.update_or_create(
        kind=kind, object_id=pk, defaults={"since": timezone.now()}
    )

    def send():
        try:
            # By its name: the tasks module sits above this one and imports it.
            current_app.tasks["kb.tasks.index_object"].delay(kind, pk)
        except Exception:  # broker down: the catch-up task sends it later
            logger.warning(
                "kb: could not queue %s %s for indexing; the catch-up task will", kind, pk
            )

    transaction.on_commit(send)
