"""Grouping similar texts (pure; no Django).

Each text is a bag of segmented words weighted by TF-IDF (smoothed IDF, l2-
normalised); two texts are similar when the cosine of their vectors reaches a
threshold, and groups are the connected components of that relation (single
linkage, found with union-find). Only pairs sharing a word are compared,
through an inverted index, so the work grows with overlap, not with n².
"""

import math
from collections import Counter, defaultdict

DEFAULT_THRESHOLD = 0.45


def tfidf_vectors(documents: list[list[str]]) -> list[dict[str, float]]:
    n = len(documents)
    df = Counter()
    for words in documents:
        df.update(set(words))
    vectors = []
    for words in documents:
        counts = Counter(words)
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


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def similar_groups(
    documents: list[list[str]], threshold: float = DEFAULT_THRESHOLD, min_size: int = 2
) -> list[list[int]]:
    """Indexes of similar documents, grouped; biggest group first."""
    vectors = tfidf_vectors(documents)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for word in vector:
            postings[word].append(i)
    groups = _UnionFind(len(vectors))
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


def medoid(indexes: list[int], documents: list[list[str]]) -> int:
    """The member most similar to the rest: the group's representative."""
    vectors = tfidf_vectors([documents[i] for i in indexes])
    best = max(
        range(len(indexes)),
        key=lambda a: (sum(cosine(vectors[a], vectors[b]) for b in range(len(indexes))), -a),
    )
    return indexes[best]


def carried_over(previous: dict, groups: list[set]) -> dict[int, object]:
    """Which earlier group each new group continues: {new index: earlier key}.

    A new group continues the earlier group it shares the most members with,
    when it holds more than half of that group's members; each earlier group
    is continued at most once, largest new groups choosing first. Keeping
    the earlier group's key keeps links to it (a report's drill-down, an
    open page) pointing at the same problem after the groups are redone."""
    order = sorted(range(len(groups)), key=lambda i: -len(groups[i]))
    taken: set = set()
    continued = {}
    for i in order:
        shared = {
            key: len(members & groups[i])
            for key, members in previous.items()
            if key not in taken and 2 * len(members & groups[i]) > len(members)
        }
        if shared:
            key = max(shared, key=lambda k: (shared[k], -len(previous[k])))
            continued[i] = key
            taken.add(key)
    return continued
