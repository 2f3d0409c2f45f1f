"""Grouping resolved tickets into recurring problems (pure; no Django).

A ticket is a TF-IDF vector of its words (jieba's, kb.segment), the title's
counting more than the body's, cut down to its most weighty words: a long
letter's family story and greetings then weigh nothing, and the sparse
product that finds similar pairs stays cheap. Words found in a large share
of all texts are left out of every vector for the same reason.

Reposts collapse first: near-identical texts where the reporter is the same
or unknown (imported tickets all carry the import's reporter), and anything
similar enough to group from one known reporter, are one *voice*. Voices are
grouped by average linkage, cut at the threshold: every group's members are,
on average, that similar to each other, so two unrelated tickets never join
through a third one similar to both (single linkage's chaining). Average
linkage never joins texts whose similarity is below the threshold, so it is
run per connected component of the "similar pair" graph, which is exact and
keeps the cost near-linear; a component too large for one linkage is cut at
a higher similarity first. A group becomes a candidate only with voices of at
least two different reporters.
"""

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, diags, vstack
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

# Average cosine similarity the members of a group have with each other.
DEFAULT_THRESHOLD = 0.175
# Near-identical texts: one text posted again.
REPOST_SIMILARITY = 0.8
TITLE_WEIGHT = 6
# Words in more than this share of the texts (when there are enough texts
# for a share to mean something) do not find pairs; they still count in
# the similarity of a pair found.
COMMON_SHARE = 0.05
COMMON_MINIMUM = 100
# How much of a cosine common words may contribute.
MARGIN = 0.05
# Largest component one linkage handles (its distance matrix is quadratic).
BLOCK_CAP = 1500
# Rows of the similarity product computed at a time (bounds memory).
CHUNK = 2000
MIN_REPORTERS = 2


@dataclass(frozen=True)
class Text:
    """One resolved ticket: its key, segmented title and body, and its
    reporter (None when unknown, as for imported tickets)."""

    key: Hashable
    title: Sequence[str]
    body: Sequence[str]
    reporter: Hashable | None = None


@dataclass
class Group:
    """Tickets one FAQ would answer; the representative first."""

    keys: list
    reporters: int
    representative: Hashable = field(default=None)


def _identity(words):
    return words


@dataclass(frozen=True)
class Vectors:
    """Unit-length TF-IDF vectors (one row a text), and which words are rare
    enough to find pairs by."""

    full: csr_matrix
    rare: np.ndarray

    @property
    def index(self) -> csr_matrix:
        return (self.full @ diags(self.rare)).tocsr()

    def __len__(self) -> int:
        return self.full.shape[0]

    def take(self, rows) -> "Vectors":
        return Vectors(self.full[rows], self.rare)

    def merged(self, groups: list[list[int]]) -> "Vectors":
        """One unit vector per group of rows: their mean's direction."""
        rows, cols = [], []
        for g, members in enumerate(groups):
            rows.extend([g] * len(members))
            cols.extend(members)
        membership = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(groups), len(self)))
        return Vectors(normalize(membership @ self.full).tocsr(), self.rare)


def vectors(texts: Sequence[Text], synonyms: dict[str, str] | None = None) -> Vectors:
    canonical = synonyms or {}

    def words(seq):
        return [canonical.get(w, w) for w in seq]

    counter = CountVectorizer(analyzer=_identity)
    counter.fit([words(t.title) + words(t.body) for t in texts])
    counts = TITLE_WEIGHT * counter.transform([words(t.title) for t in texts])
    counts = counts + counter.transform([words(t.body) for t in texts])
    weighted = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    documents = np.bincount(weighted.indices, minlength=weighted.shape[1])
    common = max(COMMON_SHARE * len(texts), COMMON_MINIMUM)
    return Vectors(weighted, (documents <= common).astype(float))


def similar_pairs(left: Vectors, right: Vectors, threshold: float) -> csr_matrix:
    """Cosine similarities of left × right rows at or above the threshold.

    Candidate pairs come from the product of the indexes (without common
    words: a lower bound of the cosine), taken from `threshold - MARGIN`,
    a chunk of rows at a time; their exact cosine decides. A pair similar
    only through common words is missed: such a pair shares no topic."""
    parts = []
    left_index = left.index
    right_t = right.index.T.tocsc()
    for start in range(0, len(left), CHUNK):
        stop = min(start + CHUNK, len(left))
        product = (left_index[start:stop] @ right_t).tocoo()
        keep = product.data >= threshold - MARGIN
        rows, cols = product.row[keep], product.col[keep]
        exact = np.asarray(left.full[rows + start].multiply(right.full[cols]).sum(axis=1)).ravel()
        keep = exact >= threshold
        parts.append(
            csr_matrix(
                (exact[keep], (rows[keep], cols[keep])), shape=(stop - start, right.full.shape[0])
            )
        )
    if not parts:
        return csr_matrix((0, right.full.shape[0]))
    return vstack(parts).tocsr()


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


def _reposts(texts, pairs: csr_matrix) -> list[list[int]]:
    """Voices: indexes of texts that are one reporter's repeated post."""
    found = _UnionFind(len(texts))
    rows, cols = pairs.nonzero()
    for i, j, similarity in zip(rows, cols, pairs.data, strict=True):
        if i >= j:
            continue
        a, b = texts[i].reporter, texts[j].reporter
        same_or_unknown = a is None or b is None or a == b
        if (similarity >= REPOST_SIMILARITY and same_or_unknown) or (a is not None and a == b):
            found.union(int(i), int(j))
    voices: dict[int, list[int]] = {}
    for i in range(len(texts)):
        voices.setdefault(found.find(i), []).append(i)
    return list(voices.values())


def _average_linkage(vectors: Vectors, members: list[int], threshold: float) -> list[list[int]]:
    """Average-linkage clusters of these rows, cut at the threshold."""
    if len(members) == 1:
        return [members]
    block = vectors.full[members]
    similarity = (block @ block.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    clusters: dict[int, list[int]] = {}
    for member, label in zip(members, labels, strict=True):
        clusters.setdefault(int(label), []).append(member)
    return list(clusters.values())


def _blocks(pairs: csr_matrix, nodes: list[int], threshold: float) -> list[list[int]]:
    """Connected components of the pair graph over these nodes, each at most
    BLOCK_CAP nodes (a larger one is cut again at a higher similarity)."""
    sub = pairs[nodes][:, nodes]
    sub = sub.multiply(sub >= threshold).tocsr()
    _, labels = connected_components(sub, directed=False)
    components: dict[int, list[int]] = {}
    for node, label in zip(nodes, labels, strict=True):
        components.setdefault(int(label), []).append(node)
    blocks = []
    for component in components.values():
        if len(component) > BLOCK_CAP and threshold < 0.99:
            blocks.extend(_blocks(pairs, component, threshold + 0.05))
        else:
            blocks.append(component)
    return blocks


def _cluster(vectors: Vectors, pairs: csr_matrix, nodes: list[int], threshold: float):
    clusters = []
    for block in _blocks(pairs, nodes, threshold):
        clusters.extend(_average_linkage(vectors, block, threshold))
    return clusters


def _reporters(texts, voices, voice_ids) -> int:
    """Distinct reporters: a known reporter counts once, each voice of an
    unknown one counts on its own."""
    people = set()
    for v in voice_ids:
        for i in voices[v]:
            reporter = texts[i].reporter
            people.add(("known", reporter) if reporter is not None else ("voice", v))
    return len(people)


def _medoid(vectors: Vectors, voice_ids: list[int]) -> int:
    block = vectors.full[voice_ids]
    totals = (block @ block.T).sum(axis=1).A1
    return voice_ids[int(np.argmax(totals))]


def _group(texts, voices, voice_vectors, voice_ids) -> Group:
    centre = _medoid(voice_vectors, voice_ids)
    order = [centre] + [v for v in voice_ids if v != centre]
    keys = [texts[i].key for v in order for i in voices[v]]
    return Group(keys=keys, reporters=_reporters(texts, voices, voice_ids), representative=keys[0])


def _ordered(groups: list[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: (-g.reporters, -len(g.keys), str(g.representative)))


def group(
    texts: Sequence[Text],
    threshold: float = DEFAULT_THRESHOLD,
    synonyms: dict[str, str] | None = None,
) -> list[Group]:
    """Recurring problems among the texts: most reporters first."""
    if len(texts) < 2:
        return []
    matrix = vectors(texts, synonyms)
    pairs = similar_pairs(matrix, matrix, min(threshold, REPOST_SIMILARITY))
    voices = _reposts(texts, pairs)
    voice_vectors = matrix.merged(voices)
    voice_pairs = similar_pairs(voice_vectors, voice_vectors, threshold)
    found = []
    for cluster in _cluster(voice_vectors, voice_pairs, list(range(len(voices))), threshold):
        if _reporters(texts, voices, cluster) >= MIN_REPORTERS:
            found.append(_group(texts, voices, voice_vectors, cluster))
    return _ordered(found)


@dataclass
class Extension:
    """What an incremental run found: new tickets joining open groups
    ({group key: [ticket keys]}) and new groups."""

    joined: dict = field(default_factory=dict)
    fresh: list[Group] = field(default_factory=list)


def extend(
    texts: Sequence[Text],
    open_groups: dict[Hashable, Collection],
    new: Collection,
    threshold: float = DEFAULT_THRESHOLD,
    synonyms: dict[str, str] | None = None,
) -> Extension:
    """Place the new tickets (keys in `new`) among the open groups.

    `texts` are all the texts of the window, so that word weights are those
    of a full run. A new ticket that reposts a member joins that member's
    group; otherwise it joins the group whose members it resembles most, if
    that average similarity reaches the threshold (the linkage's own rule).
    The rest are grouped with each other and with the window's ungrouped
    tickets that resemble them; only groups holding a new ticket are new."""
    result = Extension()
    if not texts or not new:
        return result
    new = set(new)
    matrix = vectors(texts, synonyms)
    pairs = similar_pairs(matrix, matrix, min(threshold, REPOST_SIMILARITY))
    voices = _reposts(texts, pairs)
    voice_vectors = matrix.merged(voices)
    owner = {key: name for name, keys in open_groups.items() for key in keys}
    voice_owner, arriving = {}, []
    for v, members in enumerate(voices):
        keys = [texts[i].key for i in members]
        owners = [owner[k] for k in keys if k in owner]
        if owners:
            voice_owner[v] = owners[0]
            joining = [k for k in keys if k in new and k not in owner]
            if joining:
                result.joined.setdefault(owners[0], []).extend(joining)
        elif any(k in new for k in keys):
            arriving.append(v)
    if not arriving:
        return result
    members_of: dict = {}
    for v, name in voice_owner.items():
        members_of.setdefault(name, []).append(v)
    names = list(members_of)
    still = arriving
    if names:
        centroids = vstack(
            [csr_matrix(voice_vectors.full[members_of[n]].mean(axis=0)) for n in names]
        ).tocsr()
        closeness = (voice_vectors.full[arriving] @ centroids.T).toarray()
        still = []
        for row, v in enumerate(arriving):
            best = int(np.argmax(closeness[row]))
            if closeness[row, best] >= threshold:
                result.joined.setdefault(names[best], []).extend(texts[i].key for i in voices[v])
            else:
                still.append(v)
    ungrouped = [v for v in range(len(voices)) if v not in voice_owner]
    position = {v: p for p, v in enumerate(ungrouped)}
    pool = voice_vectors.take(ungrouped)
    near = similar_pairs(voice_vectors.take(still), pool, threshold)
    rows, cols = near.nonzero()
    graph = csr_matrix(
        (near.data, ([position[still[r]] for r in rows], cols)), shape=(len(ungrouped),) * 2
    )
    graph = graph.maximum(graph.T).tocsr()
    touched = sorted({position[v] for v in still} | set(cols.tolist()))
    arrived = {position[v] for v in still}
    for cluster in _cluster(pool, graph, touched, threshold):
        if not arrived.intersection(cluster):
            continue
        voice_ids = [ungrouped[p] for p in cluster]
        if _reporters(texts, voices, voice_ids) >= MIN_REPORTERS:
            result.fresh.append(_group(texts, voices, voice_vectors, voice_ids))
    result.fresh = _ordered(result.fresh)
    return result


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
