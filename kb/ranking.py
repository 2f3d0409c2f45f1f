"""Ranking and snippets (pure; no Django).

PostgreSQL's ts_rank counts how often the query's words occur, but knows
nothing of how rare a word is in the whole collection (no inverse document
frequency): "无法" weighs as much as "制章". The database therefore only
fetches candidates; this module re-ranks them with BM25 (Robertson/Sparck
Jones IDF, Lucene's form, k1 = 1.2, b = 0.75 as in Elasticsearch), summed
over two fields with the question weighing more than the answer, and with
synonyms of the typed words counting at a lower weight (kb.segment.expand).
Synonyms from the platform's own groups count only in documents about the
platform (kb.lexicon.PLATFORM_MARKERS).

`confidence` puts a score on a scale that does not depend on the query: the
share of what a document answering every typed word would score, less for
typed words the collection does not know at all. Below CONFIDENCE_FLOOR a hit
is not worth suggesting.
"""

import html
import math
from collections import Counter
from dataclasses import dataclass, field

from kb.lexicon import PLATFORM_MARKERS

K1 = 1.2
B = 0.75
# A word in the question (ticket title) says more than one in the answer.
FIELD_WEIGHTS = (2.0, 1.0)
COVERAGE_BASE = 0.5
# The least confidence a ticket hit needs to count as an answer, fitted on
# the dev half of bench/data/relevance_queries.json before FAQ hits got
# their own floor (kb.reranking.floor).
CONFIDENCE_FLOOR = 0.075


@dataclass(frozen=True)
class CorpusStats:
    """What BM25 needs about the whole collection."""

    documents: int
    document_frequency: dict[str, int] = field(default_factory=dict)
    average_lengths: tuple[float, float] = (1.0, 1.0)

    def idf(self, term: str) -> float:
        df = self.document_frequency.get(term, 0)
        return math.log(1 + (self.documents - df + 0.5) / (df + 0.5))


def corpus_stats(documents: list[tuple[list[str], list[str]]]) -> CorpusStats:
    """Statistics of documents given as (first field's words, second field's words)."""
    df: Counter[str] = Counter()
    lengths = [0, 0]
    for first, second in documents:
        df.update(set(first) | set(second))
        lengths[0] += len(first)
        lengths[1] += len(second)
    n = len(documents)
    return CorpusStats(n, dict(df), average_lengths(n, lengths))


def average_lengths(documents: int, totals) -> tuple[float, float]:
    """Each field's average length from its total over the documents; at
    least 1, so that a collection of empty fields divides by nothing."""
    return tuple(max(total / documents, 1.0) if documents else 1.0 for total in totals)


def _weighted_idf(query: dict[str, float], stats: CorpusStats) -> dict[str, float]:
    return {term: query_weight * stats.idf(term) for term, query_weight in query.items()}


def _is_platform_text(fields) -> bool:
    return any(not PLATFORM_MARKERS.isdisjoint(words) for words in fields)


def _bm25(weighted_idf, fields, stats: CorpusStats, weights=FIELD_WEIGHTS):
    """BM25 of one document, summed over its fields with their weights, and
    the query words it contains. Each field's words are first intersected
    with the query's (in C), so only the words it has are counted."""
    score = 0.0
    present: set[str] = set()
    for words, weight, average in zip(fields, weights, stats.average_lengths, strict=True):
        found = weighted_idf.keys() & set(words)
        if not found:
            continue
        present |= found
        norm = K1 * (1 - B + B * len(words) / average)
        # In the query's order, so that equal documents get equal sums.
        for term, term_idf in weighted_idf.items():
            if term in found:
                tf = words.count(term)
                score += weight * term_idf * tf * (K1 + 1) / (tf + norm)
    return score, present


def _coverage(groups: list[frozenset[str]], present) -> float:
    """Share of the typed words the document answers, by the word itself or
    by one of its synonyms."""
    if not groups:
        return 0.0
    return sum(1 for group in groups if not group.isdisjoint(present)) / len(groups)


def rank(
    query: dict[str, float],
    groups: list[frozenset[str]],
    candidates: list[tuple[object, tuple[list[str], list[str]]]],
    stats: CorpusStats,
    limit: int,
    platform_only: frozenset[str] = frozenset(),
) -> list[tuple[object, float]]:
    """Candidates (key, fields) in order of BM25, keeping only those that match.

    `groups` holds, for each typed word, the word and its synonyms, all of
    them words of `query` (kb.segment.expand_query). A document that answers
    more of the typed words ranks above one that repeats a single word: BM25
    is multiplied by (COVERAGE_BASE + coverage). Words of `platform_only`
    count only in platform text."""
    # Each word's IDF once per query: this runs for every candidate of every search.
    everywhere = _weighted_idf(query, stats)
    ordinary = {t: w for t, w in everywhere.items() if t not in platform_only}
    scored = []
    for key, fields in candidates:
        weighted_idf = everywhere if platform_only and _is_platform_text(fields) else ordinary
        score, present = _bm25(weighted_idf, fields, stats)
        if score > 0:
            scored.append((key, score * (COVERAGE_BASE + _coverage(groups, present))))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def best_possible(typed: list[str], stats: CorpusStats) -> float:
    """What a document would score that holds, often and in both fields,
    every typed word the collection has: the scale `confidence` measures on."""
    per_word = (K1 + 1) * sum(FIELD_WEIGHTS) * (COVERAGE_BASE + 1)
    return sum(stats.idf(t) for t in typed if stats.document_frequency.get(t)) * per_word


def confidence(score: float, typed: list[str], stats: CorpusStats) -> float:
    """A score as a share of the best possible one for the typed words the
    collection has, times the share of typed words it has: a query whose
    words the collection mostly lacks is answered with less confidence."""
    best = best_possible(typed, stats)
    if best <= 0:
        return 0.0
    known = sum(1 for t in typed if stats.document_frequency.get(t))
    return score / best * known / len(typed)


def snippet(text: str, terms: list[str], width: int = 80) -> str:
    """An HTML-escaped excerpt around the first match, words marked with <mark>."""
    text = " ".join(text.split())
    if not text:
        return ""
    lowered = text.lower()
    found = sorted(
        (lowered.find(t), t) for t in sorted(terms, key=len, reverse=True) if t and t in lowered
    )
    start = 0
    if found:
        start = max(0, found[0][0] - width // 4)
    excerpt = text[start : start + width]
    marked = _mark(excerpt, [t for _, t in found])
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + marked + suffix


def best_snippet(texts: list[str], terms: list[str], width: int = 80) -> str:
    """The snippet of the first text that contains a query word (else the first)."""
    for text in texts:
        lowered = text.lower()
        if any(t and t in lowered for t in terms):
            return snippet(text, terms, width)
    return snippet(texts[0], terms, width) if texts else ""


def _mark(excerpt: str, terms: list[str]) -> str:
    """Escape the excerpt and wrap every occurrence of the terms (longest first)."""
    lowered = excerpt.lower()
    marked = [False] * len(excerpt)
    for term in sorted(set(terms), key=len, reverse=True):
        position = lowered.find(term)
        while position != -1:
            span = range(position, position + len(term))
            if not any(marked[i] for i in span):
                for i in span:
                    marked[i] = True
            position = lowered.find(term, position + len(term))
    out = []
    start = 0
    for end in range(1, len(excerpt) + 1):
        if end == len(excerpt) or marked[end] != marked[start]:
            piece = html.escape(excerpt[start:end])
            out.append(f"<mark>{piece}</mark>" if marked[start] else piece)
            start = end
    return "".join(out)
