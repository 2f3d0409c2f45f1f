"""Analysis of the province's assessment figures; pure, no Django.

The tree: level-one indicators (一级指标) and their level-two children
(二级指标), each with a weight within its parent. The province scores the
leaves (the level-two indicators, and a level-one indicator without
children); a level-one score is the weighted mean of its children's, and
the county's overall score (综合得分) the weighted mean of the level-one
scores. Scores are points out of the indicator's full marks, compared as
percentages so that indicators of different full marks weigh alike.

Rules, each tested directly (tests/indicators/test_analysis.py):
- rank: competition ranking among the counties with a score, highest first;
  scores equal to two decimals share a rank and the next rank is skipped
  (1, 2, 2, 4);
- weakest indicators of a county: the leaves it scores below the
  prefecture's mean, furthest below first (a tie: the lower rank first, then
  the tree's order);
- biggest falls: the drops from the previous period of the same kind, by
  county and indicator (overall, level one and leaves), largest drop in
  points first; a figure missing in either period is no fall, nor is a
  drop under 0.01;
- against target: the prefecture's mean over its counties beside the
  province's target, where one is set.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TOTAL = "total"
TOTAL_NAME = "综合得分"
MIN_FALL = 0.01
WEAKEST = 3
BOTTOM = 3  # the counties ranked last that the heat map marks strongest


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    parent: str | None = None
    weight: float = 1.0
    target: float | None = None
    full_marks: float = 100.0
    subsystem: str = ""
    order: int = 0


@dataclass(frozen=True)
class Tree:
    nodes: tuple[Node, ...]

    def __post_init__(self):
        object.__setattr__(self, "nodes", tuple(sorted(self.nodes, key=lambda n: (n.order, n.key))))

    @property
    def roots(self) -> list[Node]:
        return [n for n in self.nodes if n.parent is None]

    def children(self, key: str) -> list[Node]:
        return [n for n in self.nodes if n.parent == key]

    @property
    def leaves(self) -> list[Node]:
        """What the province scores, in the sheet's order: each level-one
        indicator's children, or the indicator itself when it has none."""
        found = []
        for root in self.roots:
            found.extend(self.children(root.key) or [root])
        return found

    def node(self, key: str) -> Node | None:
        return next((n for n in self.nodes if n.key == key), None)

    def name(self, key: str) -> str:
        if key == TOTAL:
            return TOTAL_NAME
        node = self.node(key)
        return node.name if node else key

    def all_keys(self) -> list[str]:
        """Overall, then each level one followed by its children."""
        keys = [TOTAL]
        for root in self.roots:
            keys.append(root.key)
            keys.extend(c.key for c in self.children(root.key))
        return keys


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    pairs = list(pairs)
    if not pairs:
        return None
    weight = sum(w for w, _v in pairs)
    if weight <= 0:
        return sum(v for _w, v in pairs) / len(pairs)
    return sum(w * v for w, v in pairs) / weight


def roll_up(tree: Tree, leaves: Mapping[str, float]) -> dict[str, float]:
    """A county's leaf scores with its level-one and overall scores added
    (percentages of full marks for the computed ones; a leaf keeps its
    points). A level-one indicator with no scored child has no score."""
    scores = {k: float(v) for k, v in leaves.items()}
    level_one = []
    for root in tree.roots:
        children = tree.children(root.key)
        if children:
            value = _weighted_mean(
                (c.weight, scores[c.key] * 100 / c.full_marks) for c in children if c.key in scores
            )
            if value is not None:
                scores[root.key] = value
        if root.key in scores:
            share = scores[root.key] if children else scores[root.key] * 100 / root.full_marks
            level_one.append((root.weight, share))
    total = _weighted_mean(level_one)
    if total is not None:
        scores[TOTAL] = total
    return scores


def rank(values: Mapping[str, float]) -> dict[str, int]:
    """Competition ranking, highest first: equal scores (to two decimals)
    share a rank, and the next rank is skipped."""
    rounded = {k: round(v, 2) for k, v in values.items() if v is not None}
    ordered = sorted(rounded.values(), reverse=True)
    return {k: ordered.index(v) + 1 for k, v in rounded.items()}


@dataclass(frozen=True)
class CountyScores:
    code: str
    name: str
    scores: dict[str, float]
    ranks: dict[str, int]


def ranking(tree: Tree, counties: Mapping[str, str], figures: Mapping[str, Mapping[str, float]]):
    """Every county with figures, best overall first (unranked ones last, in
    code order), with its rank on each indicator among the counties."""
    rolled = {code: roll_up(tree, figures[code]) for code in counties if figures.get(code)}
    ranks_by_key = {
        key: rank({c: s[key] for c, s in rolled.items() if key in s}) for key in tree.all_keys()
    }
    rows = [
        CountyScores(
            code,
            counties[code],
            scores,
            {key: ranks[code] for key, ranks in ranks_by_key.items() if code in ranks},
        )
        for code, scores in rolled.items()
    ]
    return sorted(rows, key=lambda r: (r.ranks.get(TOTAL, len(counties) + 1), r.code))


def means(rows: Iterable[CountyScores]) -> dict[str, float]:
    """The prefecture's figure on each indicator: the mean over its counties
    that have one."""
    collected: dict[str, list[float]] = {}
    for row in rows:
        for key, value in row.scores.items():
            collected.setdefault(key, []).append(value)
    return {key: sum(values) / len(values) for key, values in collected.items()}


@dataclass(frozen=True)
class Weak:
    key: str
    name: str
    parent_name: str
    value: float
    mean: float
    rank: int | None
    subsystem: str = ""

    @property
    def gap(self) -> float:
        return self.value - self.mean


def weakest(tree: Tree, row: CountyScores, prefecture: Mapping[str, float], limit=WEAKEST):
    """The leaves a county scores furthest below the prefecture's mean."""
    found = []
    for position, leaf in enumerate(tree.leaves):
        if leaf.key not in row.scores or leaf.key not in prefecture:
            continue
        value, mean = row.scores[leaf.key], prefecture[leaf.key]
        if round(value - mean, 2) >= 0:
            continue
        parent = tree.node(leaf.parent) if leaf.parent else None
        weak = Weak(
            leaf.key,
            leaf.name,
            parent.name if parent else "",
            value,
            mean,
            row.ranks.get(leaf.key),
            leaf.subsystem or (parent.subsystem if parent else ""),
        )
        found.append((round(weak.gap, 2), -(weak.rank or 0), position, weak))
    return [w for *_order, w in sorted(found, key=lambda f: f[:3])][:limit]


@dataclass(frozen=True)
class Fall:
    code: str
    county: str
    key: str
    name: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def falls(tree: Tree, current: Iterable[CountyScores], previous: Iterable[CountyScores], limit=10):
    """The biggest drops since the previous period, by county and indicator."""
    before = {row.code: row.scores for row in previous}
    order = {key: i for i, key in enumerate(tree.all_keys())}
    found = []
    for row in current:
        old = before.get(row.code, {})
        for key, value in row.scores.items():
            if key not in old or key not in order:
                continue
            drop = round(old[key] - value, 2)
            if drop >= MIN_FALL:
                found.append(
                    (
                        -drop,
                        row.code,
                        order[key],
                        Fall(row.code, row.name, key, tree.name(key), old[key], value),
                    )
                )
    return [f for *_order, f in sorted(found, key=lambda f: f[:3])][:limit]


@dataclass(frozen=True)
class TargetGap:
    key: str
    name: str
    value: float | None
    target: float

    @property
    def met(self) -> bool | None:
        return None if self.value is None else round(self.value, 2) >= self.target

    @property
    def gap(self) -> float | None:
        return None if self.value is None else self.value - self.target


def against_targets(tree: Tree, prefecture: Mapping[str, float]) -> list[TargetGap]:
    nodes = [tree.node(key) for key in tree.all_keys()]
    return [
        TargetGap(n.key, n.name, prefecture.get(n.key), n.target)
        for n in nodes
        if n is not None and n.target is not None
    ]


def heat(rank_: int | None, counties: int, value: float | None, mean: float | None) -> int:
    """How strongly the overview marks a score: 2 among the last BOTTOM
    counties, 1 below the prefecture's mean, 0 otherwise."""
    if rank_ is None or value is None or mean is None:
        return 0
    if counties > BOTTOM and rank_ > counties - BOTTOM:
        return 2
    return 1 if round(value - mean, 2) < 0 else 0


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None
    change: float | None = None


def trend(points: Iterable[tuple[str, float | None]]) -> list[TrendPoint]:
    """A series with each point's change from the one before it."""
    result, last = [], None
    for label, value in points:
        change = None if value is None or last is None else value - last
        result.append(TrendPoint(label, value, change))
        if value is not None:
            last = value
    return result


@dataclass(frozen=True)
class TicketEvidence:
    weak: Weak
    faults: int
    county_mean: float | None  # None when the reader sees one county only

    @property
    def explains(self) -> bool:
        """More faults than the counties' mean on the indicator's subsystem."""
        return self.county_mean is not None and self.faults > 0 and self.faults > self.county_mean


def ticket_evidence(
    weak: Iterable[Weak],
    faults: Mapping[str, int],
    totals: Mapping[str, int] | None,
    counties: int,
) -> list[TicketEvidence]:
    """For each weak indicator tied to a subsystem, the county's faults on
    that subsystem beside the counties' mean (when the reader sees them all)."""
    return [
        TicketEvidence(
            w,
            faults.get(w.subsystem, 0),
            None if totals is None else totals.get(w.subsystem, 0) / max(counties, 1),
        )
        for w in weak
        if w.subsystem
    ]


@dataclass(frozen=True)
class Proposal:
    title: str
    problem: str
    approach: str


def propose(
    county: str, period: str, weak: Weak, evidence: TicketEvidence | None, subsystem_name: str = ""
) -> Proposal:
    """A draft finding for a supervisor to edit: the problem in figures and
    a first 解决思路."""
    where = f"{weak.parent_name}·{weak.name}" if weak.parent_name else weak.name
    problem = (
        f"{period}{county}“{where}”得分{weak.value:.2f}，低于全州平均{weak.mean:.2f}"
        f"（差{-weak.gap:.2f}分）" + (f"，全州排名第{weak.rank}。" if weak.rank else "。")
    )
    steps = [f"对照省级评估细则逐项核查“{weak.name}”失分点，明确责任单位和完成时限"]
    if evidence is not None and evidence.explains and subsystem_name:
        problem += (
            f"同期{subsystem_name}故障工单{evidence.faults}件，"
            f"高于各县平均{evidence.county_mean:.1f}件。"
        )
        steps.append(f"集中排查{subsystem_name}的故障原因并组织操作培训，减少同类问题")
    steps.append("下一评估周期复核得分变化")
    return Proposal(f"{county}{weak.name}偏低", problem, "；".join(steps) + "。")
