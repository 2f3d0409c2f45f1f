"""The second stage of FAQ search: a linear re-ranker over the first stage's
best candidates (pure; no Django).

The first stage (kb.ranking.rank) orders by BM25 over words, synonyms and
character pairs. It cannot tell which field matched, how much of the typed
text the question itself holds, or that a question about another province is
not the answer to one about this one. Nor does it see a typed word that jieba
cut differently in the FAQ ("税能", "买设备"), or one the FAQ says in other
characters: the features on characters weigh each character and character
pair by its rarity in the collection's raw text (TextStats), and the typed
words are also looked for as plain substrings, with their synonyms and the
thesaurus's broader groups. Here each candidate gets features that
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
from functools import cache, lru_cache
from pathlib import Path

from kb import ranking
from kb.lexicon import QUESTION_KINDS, STOP_CHARACTERS
from kb.segment import BROAD_THESAURUS_GROUP, normalise, thesaurus

WEIGHTS_FILE = Path(__file__).with_name("rerank_weights.json")
# How many of the first stage's best the second stage looks at.
POOL = 50
# FAQ texts kept normalised (kb.search reads at most a few thousand FAQs often).
NORMALISED_TEXTS = 20_000
# Typed words whose document count is kept until the next refresh.
MAX_COUNTED_WORDS = 100_000
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
    # Characters and character pairs of the typed text, weighted by their
    # rarity in the collection (TextStats): shares found in the question,
    # the answer and either; and the share of the question's own that the
    # query holds (a question about much else is a worse answer).
    "char_question",
    "char_answer",
    "char_either",
    "pair_question",
    "pair_answer",
    "pair_either",
    "question_pairs_asked",
    "question_chars_asked",
    # Typed words found as substrings, weighted by rarity: the word itself,
    # the word or one of its stand-ins, or a word of its broader thesaurus
    # group, or partly (the share of its characters); in the question, then
    # in question and answer together.
    "word_question",
    "stand_in_question",
    "broad_question",
    "partly_question",
    "word_either",
    "stand_in_either",
    "broad_either",
    "partly_either",
    # What the query asks for (kb.lexicon.QUESTION_KINDS): the share of its
    # kinds the question asks too, and whether both ask something and
    # nothing alike.
    "kind_answered",
    "kind_mismatch",
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


class TextStats:
    """The collection's raw text as the character features read it: in how
    many documents (question and answer, normalised) each Chinese character
    and character pair occurs, and the texts themselves, to count in how
    many a typed word occurs as a substring."""

    def __init__(self, texts):
        self.texts = tuple(texts)
        self.documents = len(self.texts)
        counts: dict[str, int] = {}
        for text in self.texts:
            for gram in _chinese_chars(text) | _chinese_pairs(text):
                counts[gram] = counts.get(gram, 0) + 1
        self.frequency = counts
        # Worked out once: every candidate of every search reads them.
        self._idfs = {gram: self._idf(found) for gram, found in counts.items()}
        self._unseen = self._idf(0)
        self._containing: dict[str, int] = {}
        self._own: dict[str, tuple[dict[str, float], dict[str, float]]] = {}

    def _idf(self, found: int) -> float:
        return math.log(1 + (self.documents - found + 0.5) / (found + 0.5))

    def idf(self, gram: str) -> float:
        """IDF of a character or character pair."""
        return self._idfs.get(gram, self._unseen)

    def own_grams(self, question: str) -> tuple[dict[str, float], dict[str, float]]:
        """A question's own character pairs and characters with their IDF,
        worked out once per question."""
        found = self._own.get(question)
        if found is None:
            pairs = {p: self.idf(p) for p in _chinese_pairs(question)}
            chars = {c: self.idf(c) for c in _chinese_chars(question) - STOP_CHARACTERS}
            found = self._own[question] = (pairs, chars)
        return found

    def word_idf(self, word: str) -> float:
        """IDF of a word by the documents that hold it anywhere, however
        jieba cut them."""
        found = self._containing.get(word)
        if found is None:
            found = sum(1 for text in self.texts if word in text)
            if len(self._containing) >= MAX_COUNTED_WORDS:
                self._containing.clear()
            self._containing[word] = found
        return self._idf(found)


def text_stats(pairs) -> TextStats:
    """TextStats of documents given as (question, answer)."""
    return TextStats(f"{normalise(q)}\n{normalise(a)}" for q, a in pairs)


@lru_cache(maxsize=NORMALISED_TEXTS)
def _normalised(text: str) -> str:
    """An FAQ's text normalised (OpenCC costs more than all the features),
    once while it is among the most recently ranked."""
    return normalise(text)


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


def _chinese_chars(text: str) -> set[str]:
    return {c for c in text if _CHINESE.match(c)}


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


def _weighted_share(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    return sum(w for gram, w in weights.items() if gram in text) / total if total else 0.0


@dataclass(frozen=True)
class Reading:
    """What the character and substring features need of a query, worked
    out once for all its candidates."""

    chars: dict[str, float]
    pairs: dict[str, float]
    # (word, weight, its stand-ins, its broader group)
    words: list[tuple[str, float, frozenset[str], frozenset[str]]]
    kinds: frozenset[str]


def read_query(query: QueryText, text_stats: TextStats) -> Reading:
    typed_text = normalise(query.text)
    chars = {c: text_stats.idf(c) for c in _chinese_chars(typed_text) - STOP_CHARACTERS}
    pairs = {p: text_stats.idf(p) for p in _chinese_pairs(typed_text)}
    broad = thesaurus(BROAD_THESAURUS_GROUP)
    words = []
    for word, group in zip(query.typed, query.groups, strict=True):
        # Search-mode cutting also gives the parts of a long word: the
        # word stands for them.
        if any(word != other and word in other for other in query.typed):
            continue
        # Its own character pairs are no stand-ins: `partly` counts those.
        stand_ins = frozenset(other for other in group if other not in word)
        words.append(
            (word, text_stats.word_idf(word), stand_ins, stand_ins | set(broad.get(word, ())))
        )
    return Reading(chars, pairs, words, question_kinds(typed_text))


def question_kinds(text: str) -> frozenset[str]:
    """What a (normalised) question asks for: kb.lexicon.QUESTION_KINDS
    whose words it holds."""
    return frozenset(
        kind for kind, words in QUESTION_KINDS.items() if any(word in text for word in words)
    )


def _kind_features(asked: frozenset[str], question: str) -> list[float]:
    said = question_kinds(question)
    answered = len(asked & said) / len(asked) if asked else 0.0
    return [answered, float(bool(asked) and bool(said) and asked.isdisjoint(said))]


def _word_shares(reading: Reading, text: str) -> list[float]:
    total = sum(weight for _w, weight, _s, _b in reading.words)
    if not total:
        return [0.0] * 4
    word = stand_in = broad = partly = 0.0
    for typed, weight, stand_ins, broader in reading.words:
        if typed in text:
            word += weight
            stand_in += weight
            broad += weight
            partly += weight
            continue
        by_stand_in = any(other in text for other in stand_ins)
        stand_in += weight * by_stand_in
        broad += weight * (by_stand_in or any(other in text for other in broader))
        share = sum(1 for c in typed if c in text) / len(typed)
        partly += weight * (1.0 if by_stand_in else share)
    return [word / total, stand_in / total, broad / total, partly / total]


def _text_features(reading: Reading, question: str, answer: str, text_stats) -> list[float]:
    either = f"{question}\n{answer}"
    own_pairs, own_chars = text_stats.own_grams(question)
    return [
        _weighted_share(reading.chars, question),
        _weighted_share(reading.chars, answer),
        _weighted_share(reading.chars, either),
        _weighted_share(reading.pairs, question),
        _weighted_share(reading.pairs, answer),
        _weighted_share(reading.pairs, either),
        _weighted_share(own_pairs, " ".join(reading.pairs)),
        _weighted_share(own_chars, "".join(reading.chars)),
        *_word_shares(reading, question),
        *_word_shares(reading, either),
        *_kind_features(reading.kinds, question),
    ]


def features(
    query: QueryText,
    candidate: Candidate,
    stats: ranking.CorpusStats,
    text_stats: TextStats,
    reading: Reading | None = None,
) -> list[float]:
    """The candidate's features, in the order of FEATURES (`reading`:
    read_query(query, text_stats), when many candidates share it)."""
    reading = reading or read_query(query, text_stats)
    idf = {term: stats.idf(term) for term in query.weights}
    known = {t for t in query.typed if stats.document_frequency.get(t)}
    total = sum(idf[t] for t in known) or 1.0
    best = total * (ranking.K1 + 1)
    question, answer = _normalised(candidate.question), _normalised(candidate.answer)
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
    row.extend(_text_features(reading, question, answer, text_stats))
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
    query: QueryText,
    candidates: list[Candidate],
    stats: ranking.CorpusStats,
    text_stats: TextStats,
) -> list[tuple[object, float]]:
    """(key, probability that it answers the query), most probable first;
    equal ones keep the first stage's order."""
    reading = read_query(query, text_stats)
    scored = [
        (c.key, probability(features(query, c, stats, text_stats, reading))) for c in candidates
    ]
    return sorted(scored, key=lambda pair: -pair[1])
