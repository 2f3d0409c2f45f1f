"""Where training is needed, and whether it helped, from ticket figures
(no Django): pure arithmetic over plain values, tested directly.

A department that asks many "how do I" questions about one subsystem, as
consultations (咨询) or repeatedly in other tickets, needs training on it.
Groups are ranked by the lower bound of the Wilson interval of that share,
so that two questions out of two do not outrank forty out of sixty."""

import math
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

# Words of a "how do I" question in a ticket's title.
HOW_TO = re.compile(
    r"如何|怎么|怎样|咋|在哪|哪里|能否|可否|是否可以|能不能|步骤|流程|操作方法"
    r"|how (?:do|to|can)",
    re.IGNORECASE,
)
# A "how do I" outside the consultation category counts once it comes again.
REPEATED_AT_LEAST = 2
# A department's one or two tickets on a subsystem say nothing about a need.
MIN_GROUP_TICKETS = 3
# Below this many tickets on either side, a before/after comparison says little.
SMALL_NUMBERS = 20
Z_95 = 1.96


def is_how_to(text: str) -> bool:
    return bool(HOW_TO.search(text or ""))


@dataclass(frozen=True)
class TicketFact:
    department: Hashable
    subsystem: Hashable
    consultation: bool
    how_to: bool


@dataclass(frozen=True)
class Need:
    department: Hashable
    subsystem: Hashable
    tickets: int
    consultations: int
    how_to: int
    needing: int

    @property
    def rate(self) -> float:
        return self.needing / self.tickets if self.tickets else 0.0

    @property
    def consultation_rate(self) -> float:
        return self.consultations / self.tickets if self.tickets else 0.0

    @property
    def score(self) -> float:
        return wilson_lower(self.needing, self.tickets)


def wilson_lower(successes: int, trials: int, z: float = Z_95) -> float:
    """Lower bound of the Wilson score interval of successes/trials."""
    if trials <= 0:
        return 0.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - spread) / denominator)


@dataclass(frozen=True)
class GroupCounts:
    """One department × subsystem group's tickets, counted: all of them,
    consultations, "how do I" titles, and those that are either."""

    department: Hashable
    subsystem: Hashable
    tickets: int
    consultations: int
    how_to: int
    consultation_or_how_to: int


def rank_needs(facts: Iterable[TicketFact], limit: int | None = None) -> list[Need]:
    """Department × subsystem groups with a training need, the greatest first."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for fact in facts:
        row = counts[(fact.department, fact.subsystem)]
        row[0] += 1
        row[1] += fact.consultation
        row[2] += fact.how_to
        row[3] += fact.consultation or fact.how_to
    return rank_groups(
        (
            GroupCounts(department, subsystem, *row)
            for (department, subsystem), row in counts.items()
        ),
        limit,
    )


def rank_groups(groups: Iterable[GroupCounts], limit: int | None = None) -> list[Need]:
    """rank_needs over groups already counted (by the database, for a year)."""
    needs = []
    for group in groups:
        if group.tickets < MIN_GROUP_TICKETS:
            continue
        repeated = group.how_to >= REPEATED_AT_LEAST
        needing = group.consultation_or_how_to if repeated else group.consultations
        if needing == 0:
            continue
        needs.append(
            Need(
                department=group.department,
                subsystem=group.subsystem,
                tickets=group.tickets,
                consultations=group.consultations,
                how_to=group.how_to,
                needing=needing,
            )
        )
    needs.sort(key=lambda n: (-n.score, -n.needing, str(n.department), str(n.subsystem)))
    return needs[:limit] if limit is not None else needs


@dataclass(frozen=True)
class Effect:
    """The trained departments' consultation rate before and after a session (培训成效)."""

    before_consultations: int
    before_tickets: int
    after_consultations: int
    after_tickets: int

    @property
    def before_rate(self) -> float | None:
        return _rate(self.before_consultations, self.before_tickets)

    @property
    def after_rate(self) -> float | None:
        return _rate(self.after_consultations, self.after_tickets)

    @property
    def change(self) -> float | None:
        """After minus before, in percentage points; negative is fewer questions."""
        if self.before_rate is None or self.after_rate is None:
            return None
        return round((self.after_rate - self.before_rate) * 100, 1)

    @property
    def small_numbers(self) -> bool:
        return min(self.before_tickets, self.after_tickets) < SMALL_NUMBERS


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _share(rate: float, part: int, whole: int) -> str:
    return f"{rate * 100:.1f}%（{part}/{whole}）"
