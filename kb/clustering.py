"""Grouping resolved tickets into recurring problems (pure; no Django).

A ticket is a TF-IDF vector of its words (jieba's, kb.segment), the title's
counting more than the body's. Reposts collapse first: near-identical texts
whose reporter is the same or unknown (imported tickets all carry the
import's reporter), and anything similar enough to group from one known
reporter, are one *voice*. Voices are grouped by average linkage cut at the
threshold: a group's members are, on average, that similar to each other, so
two unrelated tickets never join through a third one resembling both (single
linkage's chaining). A group becomes a candidate only with voices of at
least two different reporters.

Average linkage never joins texts less similar than the threshold, so it
runs within the connected components of the graph of similar pairs, and
those pairs come from a sparse product of *index* vectors: each text's most
weighty words that are not common, at unit length, whose cosine estimates
the texts' from their most telling words. Pairs estimated from
`threshold - MARGIN` up make the graph; the linkage within a component uses
the exact cosines. A pair similar mostly through words outside the index is
missed: the price of a cost that grows near-linearly. A component too large
for one linkage (its distance matrix is quadratic) is cut at a higher
similarity.
"""

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

# Average cosine similarity the members of a group have with each other.
DEFAULT_THRESHOLD = 0.175
# Near-identical texts: one text posted again.
REPOST_SIMILARITY = 0.8
TITLE_WEIGHT = 6
# The index: each text's most weighty words, leaving out those found in more
# than this share of the texts (when there are enough texts for a share to
# mean something).
INDEX_WORDS = 40
COMMON_SHARE = 0.05
COMMON_MINIMUM = 100
# How far below the threshold an index product still makes a candidate pair.
MARGIN = 0.05
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


@dataclass(frozen=True)
class Vectors:
    """Unit-length TF-IDF vectors, one row a text, and their index rows."""

    full: csr_matrix
    index: csr_matrix
    rare: np.ndarray

    def __len__(self) -> int:
        return self.full.shape[0]

    def take(self, rows) -> "Vectors":
        return Vectors(self.full[rows], self.index[rows], self.rare)

    def merged(self, groups: list[list[int]]) -> "Vectors":
        """One unit vector per group of rows: their mean's direction."""
        rows = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
        cols = np.fromiter((i for g in groups for i in g), dtype=np.int64, count=len(rows))
        membership = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(groups), len(self)))
        full = normalize(membership @ self.full).tocsr()
        return Vectors(full, _index(full, self.rare), self.rare)


def _index(full: csr_matrix, rare: np.ndarray) -> csr_matrix:
    """Each row's INDEX_WORDS weightiest rare words, at unit length."""
    index = full.copy()
    index.data = index.data * rare[index.indices]
    for row in range(index.shape[0]):
        start, end = index.indptr[row], index.indptr[row + 1]
        if end - start > INDEX_WORDS:
            data = index.data[start:end]
            data[np.argpartition(data, end - start - INDEX_WORDS)[: end - start - INDEX_WORDS]] = 0
    index.eliminate_zeros()
    return normalize(index).tocsr()


def _words(words):
    return words


# Words are hashed into this many columns (collisions are rare enough to
# ignore); hashing runs in compiled code, unlike a vocabulary lookup per word.
_HASHING = HashingVectorizer(analyzer=_words, n_features=2**20, alternate_sign=False, norm=None)


def vectors(texts: Sequence[Text], synonyms: dict[str, str] | None = None) -> Vectors:
    def words(seq):
        return [synonyms.get(w, w) for w in seq] if synonyms else seq

    counts = _HASHING.transform([words(t.body) for t in texts])
    counts = counts + TITLE_WEIGHT * _HASHING.transform([words(t.title) for t in texts])
    full = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    documents = np.bincount(full.indices, minlength=full.shape[1])
    rare = (documents <= max(COMMON_SHARE * len(texts), COMMON_MINIMUM)).astype(float)
    return Vectors(full, _index(full, rare), rare)


def candidate_pairs(left: Vectors, right: Vectors, floor: float) -> coo_matrix:
    """Pairs (left row, right row) whose index cosine reaches the floor,
    with that estimate; a chunk of rows at a time."""
    right_t = right.index.T.tocsc()
    rows, cols, values = [], [], []
    for start in range(0, len(left), CHUNK):
        product = (left.index[start : start + CHUNK] @ right_t).tocoo()
        keep = product.data >= floor
        rows.append(product.row[keep] + start)
        cols.append(product.col[keep])
        values.append(product.data[keep])
    if not rows:
        return coo_matrix((len(left), len(right)))
    return coo_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(left), len(right)),
    )


def cosines(left: Vectors, right: Vectors, rows, cols) -> np.ndarray:
    """Exact cosines of the given pairs."""
    if len(rows) == 0:
        return np.zeros(0)
    return np.asarray(left.full[rows].multiply(right.full[cols]).sum(axis=1)).ravel()


class UnionFind:
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


def _voices(texts, matrix: Vectors, pairs: coo_matrix, threshold: float) -> list[list[int]]:
    """Indexes of texts that are one reporter's repeated post, grouped."""
    reporters = [t.reporter for t in texts]
    rows, cols, bound = pairs.row, pairs.col, pairs.data
    upper = rows < cols
    rows, cols, bound = rows[upper], cols[upper], bound[upper]
    same = np.fromiter(
        (
            reporters[i] is not None and reporters[i] == reporters[j]
            for i, j in zip(rows, cols, strict=True)
        ),
        dtype=bool,
        count=len(rows),
    )
    # The exact cosine is needed only where a repost may be.
    maybe = same | (bound >= REPOST_SIMILARITY - MARGIN)
    rows, cols, same = rows[maybe], cols[maybe], same[maybe]
    exact = cosines(matrix, matrix, rows, cols)
    found = UnionFind(len(texts))
    for i, j, alike, similarity in zip(rows, cols, same, exact, strict=True):
        unknown = reporters[i] is None or reporters[j] is None
        if (alike and similarity >= threshold) or (
            (alike or unknown) and similarity >= REPOST_SIMILARITY
        ):
            found.union(int(i), int(j))
    voices: dict[int, list[int]] = {}
    for i in range(len(texts)):
        voices.setdefault(found.find(i), []).append(i)
    return list(voices.values())


def _voice_graph(pairs: coo_matrix, voices: list[list[int]], size: int) -> csr_matrix:
    """The pair graph between voices: the best estimate of their members'."""
    voice_of = np.empty(size, dtype=np.int64)
    for v, members in enumerate(voices):
        voice_of[members] = v
    rows, cols = voice_of[pairs.row], voice_of[pairs.col]
    apart = rows != cols
    graph = coo_matrix(
        (pairs.data[apart], (rows[apart], cols[apart])), shape=(len(voices), len(voices))
    ).tocsr()
    # Pairs between the same two voices were summed: capped, they still
    # reach the floor if any one did.
    graph.data = np.minimum(graph.data, 1.0)
    return graph.maximum(graph.T).tocsr()


def _blocks(graph: csr_matrix, nodes: np.ndarray, floor: float) -> list[np.ndarray]:
    """Connected components of the graph over these nodes, each at most
    BLOCK_CAP nodes (a larger one is cut again at a higher similarity)."""
    if len(nodes) == 0:
        return []
    sub = graph[nodes][:, nodes]
    sub.data[sub.data < floor] = 0
    sub.eliminate_zeros()
    _, labels = connected_components(sub, directed=False)
    order = np.argsort(labels, kind="stable")
    splits = np.flatnonzero(np.diff(labels[order])) + 1
    blocks = []
    for component in np.split(nodes[order], splits):
        if len(component) > BLOCK_CAP and floor < 1.0:
            blocks.extend(_blocks(graph, component, floor + MARGIN))
        else:
            blocks.append(component)
    return blocks


def _average_linkage(vectors: Vectors, members, threshold: float) -> list[tuple[list[int], int]]:
    """Average-linkage clusters of these rows, cut at the threshold, each
    with its medoid (the member most similar to the others)."""
    members = [int(m) for m in members]
    if len(members) == 1:
        return [(members, members[0])]
    block = vectors.full[members]
    similarity = (block @ block.T).toarray()
    if len(members) == 2:
        together = similarity[0, 1] >= threshold
        return [(members, members[0])] if together else [([m], m) for m in members]
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    clusters = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        centre = rows[int(np.argmax(similarity[np.ix_(rows, rows)].sum(axis=1)))]
        clusters.append(([members[r] for r in rows], members[centre]))
    return clusters


def _cluster(vectors: Vectors, graph: csr_matrix, nodes, threshold: float):
    clusters = []
    for block in _blocks(graph, np.asarray(nodes, dtype=np.int64), threshold - MARGIN):
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


def _group(texts, voices, voice_ids: list[int], centre: int) -> Group:
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
    pairs = candidate_pairs(matrix, matrix, threshold - MARGIN)
    voices = _voices(texts, matrix, pairs, threshold)
    voice_vectors = matrix.merged(voices)
    graph = _voice_graph(pairs, voices, len(texts))
    found = []
    for cluster, centre in _cluster(voice_vectors, graph, range(len(voices)), threshold):
        if _reporters(texts, voices, cluster) >= MIN_REPORTERS:
            found.append(_group(texts, voices, cluster, centre))
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
    tickets that resemble them; only groups holding a new ticket are new.
    Only pairs with a new ticket are looked for, so the work beyond weighing
    the window's words grows with the new tickets and their neighbours."""
    result = Extension()
    new = set(new)
    arrived = [i for i, t in enumerate(texts) if t.key in new]
    if not arrived:
        return result
    matrix = vectors(texts, synonyms)
    owner = {key: name for name, keys in open_groups.items() for key in keys}
    near = candidate_pairs(matrix.take(arrived), matrix, threshold - MARGIN)
    local = np.union1d(arrived, near.col)
    position = np.searchsorted(local, near.col)
    rows = np.searchsorted(local, np.asarray(arrived)[near.row])
    pairs = coo_matrix(
        (np.concatenate([near.data, near.data]), (np.r_[rows, position], np.r_[position, rows])),
        shape=(len(local), len(local)),
    )
    local_texts = [texts[i] for i in local]
    local_matrix = matrix.take(local)
    voices = _voices(local_texts, local_matrix, pairs, threshold)
    voice_vectors = local_matrix.merged(voices)
    arriving, grouped = [], set()
    for v, members in enumerate(voices):
        keys = [local_texts[i].key for i in members]
        owners = [owner[k] for k in keys if k in owner]
        if owners:
            grouped.add(v)
            joining = [k for k in keys if k in new and k not in owner]
            if joining:
                result.joined.setdefault(owners[0], []).extend(joining)
        elif any(k in new for k in keys):
            arriving.append(v)
    members_of: dict = {}
    for i, t in enumerate(texts):
        if t.key in owner:
            members_of.setdefault(owner[t.key], []).append(i)
    names = list(members_of)
    still = arriving
    if names and arriving:
        # Each open group's centroid: its members' mean vector, whose product
        # with a text is the text's average similarity to the members.
        groups = [members_of[n] for n in names]
        membership = csr_matrix(
            (
                np.concatenate([np.full(len(g), 1.0 / len(g)) for g in groups]),
                (
                    np.repeat(np.arange(len(groups)), [len(g) for g in groups]),
                    np.concatenate(groups),
                ),
            ),
            shape=(len(groups), len(texts)),
        )
        centroids = (membership @ matrix.full).tocsr()
        closeness = (voice_vectors.full[arriving] @ centroids.T).toarray()
        best = closeness.argmax(axis=1)
        still = []
        for row, v in enumerate(arriving):
            if closeness[row, best[row]] >= threshold:
                keys = [local_texts[i].key for i in voices[v]]
                result.joined.setdefault(names[best[row]], []).extend(keys)
                grouped.add(v)
            else:
                still.append(v)
    graph = _voice_graph(pairs, voices, len(local))
    ungrouped = [v for v in range(len(voices)) if v not in grouped]
    arriving_left = set(still)
    for cluster, centre in _cluster(voice_vectors, graph, ungrouped, threshold):
        if arriving_left.intersection(cluster) and (
            _reporters(local_texts, voices, cluster) >= MIN_REPORTERS
        ):
            result.fresh.append(_group(local_texts, voices, cluster, centre))
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
