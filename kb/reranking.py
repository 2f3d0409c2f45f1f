"""The second stage of FAQ search: a linear re-ranker over the first stage's
best candidates (pure; no Django).

The first stage (kb.ranking.rank) orders by BM25 over words, synonyms and
character pairs. It cannot tell which field matched, how much of the typed
text the question itself holds, or that a question about another province is
not the answer to one about this one. Here each candidate gets features that
say so, and a logistic regression, fitted on the dev half of
bench/data/relevance_queries.json by bench/kb_rerank_fit.py and stored in
kb/rerank_weights.json, turns them into the probability that the candidate
answers the query. That probability orders the hits and is what the
suggestion floor (RERANK_FLOOR, in the same file) is measured against.
"""

import json
import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from kb import ranking
from kb.segment import normalise

WEIGHTS_FILE = Path(__file__).with_name("rerank_weights.json")
# How many of the first stage's best the second stage looks at.
POOL = 50
# Added before taking the logarithm of a confidence (which can be 0).
LEAST_CONFIDENCE = 0.001

_CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Names too broad to place a question anywhere.
NOT_PLACES = frozenset({"中国", "全国", "国内", "我国"})

FEATURES = (
    "question_bm25",
    "question_coverage",
    "question_exact",
    "answer_bm25",
    "answer_coverage",
    "answer_exact",
    "question_char_pairs",
    "answer_char_pairs",
    "question_chars",
    "question_length",
    "first_stage_confidence",
    "first_stage_log_confidence",
    "same_place",
    "other_place",
    "place_not_asked",
    "question_similarity",
)


@dataclass(frozen=True)
class Candidate:
    """A first-stage hit with what the features read."""

    key: object
    score: float
    question: str
    answer: str
    question_words: tuple[str, ...]
    answer_words: tuple[str, ...]


@dataclass(frozen=True)
class QueryText:
    """A query as the features read it: the text, its typed words, for each
    typed word the words that stand for it, and every word with its weight."""

    text: str
    typed: list[str]
    groups: list[frozenset[str]]
    weights: dict[str, float]


@cache
def places() -> frozenset[str]:
    """Place names: the words jieba's own dictionary tags as places (ns)."""
    import jieba

    names = set()
    with jieba.get_dict_file() as lines:
        for line in lines:
            parts = line.decode("utf-8").split()
            if len(parts) >= 3 and parts[2] == "ns" and len(parts[0]) > 1:
                names.add(parts[0])
    return frozenset(names - NOT_PLACES)


@cache
def weights() -> dict:
    return json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))


def floor() -> float:
    """The least probability a hit needs to be suggested."""
    return weights()["floor"]


def _chinese_pairs(text: str) -> set[str]:
    return {
        text[i : i + 2]
        for i in range(len(text) - 1)
        if _CHINESE.match(text[i]) and _CHINESE.match(text[i + 1])
    }


def _share(parts: set[str], text: str) -> float:
    """Share of the query's pieces (character pairs or characters) found in the text."""
    return sum(1 for part in parts if part in text) / len(parts) if parts else 0.0


def _field_bm25(query: QueryText, words: tuple[str, ...], average: float, idf, best) -> float:
    present = set(words)
    norm = ranking.K1 * (1 - ranking.B + ranking.B * len(words) / average)
    score = 0.0
    for term, weight in query.weights.items():
        if term in present:
            tf = words.count(term)
            score += weight * idf[term] * tf * (ranking.K1 + 1) / (tf + norm)
    return score / best


def _coverage(query: QueryText, words: tuple[str, ...], idf, known, total) -> tuple[float, float]:
    """IDF-weighted shares of the typed words the field answers: by the word
    or one of its stand-ins, and by the word itself."""
    present = set(words)
    covered = sum(
        idf[t]
        for t, group in zip(query.typed, query.groups, strict=True)
        if t in known and not group.isdisjoint(present)
    )
    exact = sum(idf[t] for t in known if t in present)
    return covered / total, exact / total


def features(query: QueryText, candidate: Candidate, stats: ranking.CorpusStats) -> list[float]:
    """The candidate's features, in the order of FEATURES."""
    idf = {term: stats.idf(term) for term in query.weights}
    known = {t for t in query.typed if stats.document_frequency.get(t)}
    total = sum(idf[t] for t in known) or 1.0
    best = total * (ranking.K1 + 1)
    question, answer = normalise(candidate.question), normalise(candidate.answer)
    typed_text = normalise(query.text)
    pairs = _chinese_pairs(typed_text)
    chars = {c for c in typed_text if _CHINESE.match(c)}
    asked = {t for t in query.typed if t in places()}
    named = places().intersection(candidate.question_words)
    same = any(place in question for place in asked)
    # Shares of the best possible score, not the score itself: a small
    # collection's scores are small (low IDF) for answers just as good.
    confidence = ranking.confidence(candidate.score, query.typed, stats)
    row = []
    for words, average in zip(
        (candidate.question_words, candidate.answer_words), stats.average_lengths, strict=True
    ):
        row.append(_field_bm25(query, words, average, idf, best))
        row.extend(_coverage(query, words, idf, known, total))
    row.extend(
        (
            _share(pairs, question),
            _share(pairs, answer),
            _share(chars, question),
            math.log1p(len(question)),
            confidence,
            math.log(confidence + LEAST_CONFIDENCE),
            float(same),
            float(bool(asked) and bool(named) and not same),
            float(not asked and bool(named)),
            # How much of the typed text the question says in the same order.
            SequenceMatcher(None, typed_text, question, autojunk=False).ratio(),
        )
    )
    return row


def probability(row: list[float], model: dict | None = None) -> float:
    """The stored model's (or the given one's) probability for a feature row."""
    model = model or weights()
    logit = model["intercept"] + sum(
        coef * (value - mean) / scale
        for value, mean, scale, coef in zip(
            row, model["mean"], model["scale"], model["coef"], strict=True
        )
    )
    return 1 / (1 + math.exp(-logit))


def rerank(
    query: QueryText, candidates: list[Candidate], stats: ranking.CorpusStats
) -> list[tuple[object, float]]:
    """(key, probability that it answers the query), most probable first;
    equal ones keep the first stage's order."""
    scored = [(c.key, probability(features(query, c, stats))) for c in candidates]
    return sorted(scored, key=lambda pair: -pair[1])
