"""Which groups of tickets are weak (弱项短板); pure, no Django.

The rule: a group (a department, county, subsystem or category) is ranked
by the lower bound of the Wilson score interval (95 %) of its on-time rate
(resolutions that met their target over resolutions in the period), so a
group with few tickets is not called weak, or strong, on chance alone;
groups under MIN_SAMPLE resolutions are not ranked at all.
"""

import math
from dataclasses import dataclass

MIN_SAMPLE = 10
Z_95 = 1.959964
RULE = (
    f"按解决时限达标率的威尔逊区间下限（95%置信）由低到高排序，"
    f"本期解决不少于{MIN_SAMPLE}件的才参与排名"
)


def wilson_lower(met: int, n: int, z: float = Z_95) -> float | None:
    """The lower bound of the Wilson score interval for met of n."""
    if n <= 0:
        return None
    share = met / n
    centre = share + z * z / (2 * n)
    spread = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z * z / n))


@dataclass(frozen=True)
class Group:
    """One group's figures in the period and in the comparable previous span."""

    dimension: str  # county, prefecture_department, department, subsystem, category
    key: str
    name: str
    filed: int
    resolved: int
    met: int
    previous_resolved: int = 0
    previous_met: int = 0
    parent: str = ""  # the county of a department

    @property
    def rate(self) -> float | None:
        return self.met / self.resolved if self.resolved else None

    @property
    def previous_rate(self) -> float | None:
        return self.previous_met / self.previous_resolved if self.previous_resolved else None

    @property
    def change(self) -> float | None:
        """The change of the on-time rate in percentage points (as a
        fraction), None when either span has no resolutions."""
        if self.rate is None or self.previous_rate is None:
            return None
        return self.rate - self.previous_rate

    @property
    def lower_bound(self) -> float | None:
        return wilson_lower(self.met, self.resolved)

    @property
    def ranked(self) -> bool:
        return self.resolved >= MIN_SAMPLE

    @property
    def missed(self) -> int:
        return self.resolved - self.met


def ranking(groups, min_sample: int | None = None) -> list[Group]:
    """The groups with enough resolutions (MIN_SAMPLE unless told), weakest
    first; ties go to the larger group (more people affected), then by name."""
    min_sample = MIN_SAMPLE if min_sample is None else min_sample
    eligible = [g for g in groups if g.resolved >= min_sample]
    return sorted(eligible, key=lambda g: (g.lower_bound, -g.resolved, g.name))


def weakest(groups, limit: int = 5, min_sample: int | None = None) -> list[Group]:
    """The `limit` weakest groups that missed at least one target. A
    department with as many resolutions (and as many on time) as its
    county holds the same tickets: it is named once, as the county."""
    groups = list(groups)
    counties = {g.key: (g.resolved, g.met) for g in groups if g.dimension == "county"}
    distinct = [
        g for g in groups if not (g.parent and counties.get(g.parent) == (g.resolved, g.met))
    ]
    return [g for g in ranking(distinct, min_sample) if g.missed][:limit]


def points_phrase(change: float | None) -> str:
    """A change of a rate, in percentage points."""
    if change is None:
        return "无可比数据"
    if abs(change) < 0.0005:
        return "持平"
    return f"{'上升' if change > 0 else '下降'}{abs(change) * 100:.1f}个百分点"


STAGES = {
    "response": ("首次响应即已超时", "核查值守与派单，确保在首次响应时限内接单"),
    "waited": ("曾暂停计时等待", "核查暂停计时的理由与等待时长，督促补充材料后及时恢复处理"),
    "resolution": ("响应及时但解决超时", "排查解决环节的二线支持与跨部门协调，必要时提前升级"),
}


def main_stage(causes: dict) -> str | None:
    """The stage where most late resolutions went wrong (ties: the earlier
    stage), None when none was late."""
    counts = [(causes.get(stage) or 0, -index, stage) for index, stage in enumerate(STAGES)]
    best = max(counts)
    return best[2] if best[0] else None


def cause_sentence(causes: dict) -> str:
    """The late resolutions by stage, the main one named, e.g.
    未达标的工单中首次响应即已超时12件、…，主要在首次响应环节。"""
    parts = [f"{STAGES[stage][0]}{causes.get(stage) or 0}件" for stage in STAGES]
    stage = main_stage(causes)
    if stage is None:
        return ""
    return f"未达标工单中{'，'.join(parts)}，以“{STAGES[stage][0]}”为主。"


def advice_sentence(name: str, measure: str, missed: int, causes: dict) -> str:
    """A suggestion for one weak group naming the measure, the count and
    the cause seen in the data."""
    stage = main_stage(causes)
    if stage is None:
        return ""
    label, action = STAGES[stage]
    return (
        f"{name}：{measure}未达标{missed}件，其中{label}{causes[stage]}件，"
        f"建议{action}，并在下期报表中复核。"
    )
