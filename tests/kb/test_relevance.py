"""Relevance on the project's own test set (tests/kb/relevance.py): our
ranking against plain BM25 over the same segmentation, and against
PostgreSQL's ts_rank order, which has no IDF. Run with -s to see the table."""

import pytest
from django.db import connection
from rank_bm25 import BM25Okapi

from kb import search
from kb.search import database
from kb.segment import query_terms, tokens
from tests.kb.relevance import QUERIES, evaluate

pytestmark = pytest.mark.django_db

# What our ranking reaches; it may only go up. The re-ranker, fitted on real
# FAQs (bench/kb_rerank_fit.py), moved four of these queries' answers down a
# place or two and three up: 0.935, where the first stage alone reached 0.941.
OURS_MRR = 0.93
OURS_RECALL = 1.0


def ours(demo_faqs):
    key_of = {faq.pk: key for key, faq in demo_faqs.items()}

    def rank(query):
        return [key_of[h.id] for h in search.search_faqs(query, public_only=False, limit=10)]

    return rank


def plain_bm25(demo_faqs):
    keys = list(demo_faqs)
    corpus = [tokens(f"{demo_faqs[k].question} {demo_faqs[k].answer}") for k in keys]
    bm25 = BM25Okapi(corpus)

    def rank(query):
        scores = bm25.get_scores(query_terms(query))
        order = sorted(range(len(keys)), key=lambda i: -scores[i])
        return [keys[i] for i in order if scores[i] > 0][:10]

    return rank


def ts_rank_order(demo_faqs):
    """The candidates in PostgreSQL's own ts_rank order (no re-ranking)."""
    key_of = {faq.pk: key for key, faq in demo_faqs.items()}

    def rank(query):
        parsed = search.Query.parse(query)
        from kb.models import Faq

        rows = database._postgres_candidates(
            Faq.objects.all(),
            "search_vector",
            database.tsquery_any(parsed.weights),
            ("question_segmented", "answer_segmented"),
            10,
        )
        return [key_of[row[0]] for row in rows]

    return rank


def test_our_ranking_beats_plain_bm25(demo_faqs):
    assert len(QUERIES) >= 60
    assert {expected for _, expected in QUERIES} <= set(demo_faqs)
    results = {"ours": evaluate(ours(demo_faqs)), "plain BM25": evaluate(plain_bm25(demo_faqs))}
    if connection.vendor == "postgresql":
        results["ts_rank only"] = evaluate(ts_rank_order(demo_faqs))
    for name, figures in results.items():
        print(f"{name:>14}: MRR@10 {figures['mrr@10']:.3f}  recall@5 {figures['recall@5']:.3f}")
    assert results["ours"]["mrr@10"] > results["plain BM25"]["mrr@10"]
    assert results["ours"]["recall@5"] >= results["plain BM25"]["recall@5"]
    assert results["ours"]["mrr@10"] >= OURS_MRR
    assert results["ours"]["recall@5"] >= OURS_RECALL
