"""The FAQ-candidate grouping the desk used before issue 13, kept only as the
benchmarks' baseline (bench/kb_grouping_eval.py, bench/kb_candidates.py).

Each text is a bag of segmented words weighted by TF-IDF (smoothed IDF,
l2-normalised); two texts are similar when the cosine of their vectors
reaches a threshold, and groups are the connected components of that
relation (single linkage, found with union-find). Pairs are found through an
inverted index, but common words make that nearly every pair. The title
counted twice (kb/candidates.py's old `_words`).
"""

import math
from collections import Counter, defaultdict

from kb.clustering import UnionFind

DEFAULT_THRESHOLD = 0.45


def words(title: list[str], body: list[str]) -> list[str]:
    return list(title) + list(title) + list(body)


def tfidf_vectors(documents: list[list[str]]) -> list[dict[str, float]]:
    n = len(documents)
    df = Counter()
    for document in documents:
        df.update(set(document))
    vectors = []
    for document in documents:
        counts = Counter(document)
        vector = {
            word: (1 + math.log(tf)) * (math.log((1 + n) / (1 + df[word])) + 1)
            for word, tf in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({word: v / norm for word, v in vector.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(word, 0.0) for word, v in a.items())


def similar_groups(
    documents: list[list[str]], threshold: float = DEFAULT_THRESHOLD, min_size: int = 2
) -> list[list[int]]:
    """Indexes of similar documents, grouped; biggest group first."""
    vectors = tfidf_vectors(documents)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for word in vector:
            postings[word].append(i)
    groups = UnionFind(len(vectors))
    for i, vector in enumerate(vectors):
        neighbours = {j for word in vector for j in postings[word] if j > i}
        for j in neighbours:
            if groups.find(i) != groups.find(j) and cosine(vector, vectors[j]) >= threshold:
                groups.union(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(vectors)):
        members[groups.find(i)].append(i)
    found = [m for m in members.values() if len(m) >= min_size]
    found.sort(key=lambda m: (-len(m), m[0]))
    return found
