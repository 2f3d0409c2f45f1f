"""Chinese word segmentation for the knowledge base (pure; no Django).

One jieba tokenizer per process, with the domain dictionary added, so that
电子证照, 一件事一次办, 好差评 and 天府通办 stay whole words. jieba's dictionary
ships inside the package; loading it takes most of a second, hence once.

Every backend indexes and queries the same output of `segment`: words joined
by single spaces, so PostgreSQL's 'simple' configuration and Elasticsearch's
whitespace analyzer see exactly the same terms.
"""

import logging
import re
import threading
from functools import cache

import jieba

from kb.lexicon import DOMAIN_TERMS, STOP_WORDS, SYNONYM_GROUPS

# Weight of a word that was not typed but comes from a synonym group.
SYNONYM_WEIGHT = 0.5

_WORD = re.compile(r"\w", re.UNICODE)
_lock = threading.Lock()


@cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        words = [w.lower() for w in group]
        for word in words:
            table.setdefault(word, [])
            table[word].extend(w for w in words if w != word and w not in table[word])
    return {word: tuple(others) for word, others in table.items()}


@cache
def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in DOMAIN_TERMS:
            tokenizer.add_word(word)
        for group in SYNONYM_GROUPS:
            for word in group:
                if len(word) > 1:
                    tokenizer.add_word(word)
        return tokenizer


def tokens(text: str) -> list[str]:
    """The words of a text in order: search-mode segmentation (a long word
    also yields its parts, so 证照 finds 电子证照), lower-cased, without
    punctuation or stop words."""
    if not text:
        return []
    words = []
    for word in _tokenizer().cut_for_search(text):
        word = word.strip().lower()
        if word and _WORD.search(word) and word not in STOP_WORDS:
            words.append(word)
    return words


def segment(text: str) -> str:
    """The text as space-separated words: what every search backend indexes."""
    return " ".join(tokens(text))


def query_terms(text: str) -> list[str]:
    """A query's distinct words, in the order typed."""
    return list(dict.fromkeys(tokens(text)))


def expand(terms: list[str]) -> dict[str, float]:
    """Query words with their weights: typed words 1, their synonyms less."""
    weights = dict.fromkeys(terms, 1.0)
    table = _synonyms()
    for term in terms:
        for other in table.get(term, ()):
            weights.setdefault(other, SYNONYM_WEIGHT)
    return weights


def alternatives(terms: list[str]) -> list[frozenset[str]]:
    """For each typed word: the word and its synonyms (any of them will do)."""
    table = _synonyms()
    return [frozenset((term, *table.get(term, ()))) for term in terms]


def warm_up() -> None:
    """Load the dictionary now (at worker start) rather than on the first search."""
    _tokenizer()
