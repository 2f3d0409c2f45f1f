"""Pure arithmetic behind report figures; no Django."""

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between closest ranks, as PostgreSQL's
    PERCENTILE_CONT does."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def hours(minutes: float | None) -> str:
    """Minutes as people read a duration in a report."""
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes:.0f}分钟"
    return f"{minutes / 60:.1f}小时"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def change_phrase(value: float | None) -> str:
    """上升/下降 x% against the previous period."""
    if value is None:
        return "上期无可比数据"
    if abs(value) < 0.0005:
        return "与上期持平"
    return f"较上期{'上升' if value > 0 else '下降'}{abs(value) * 100:.1f}%"


def totals(groups: Iterable[dict], key: str | Callable[[dict], object], value: str = "n") -> dict:
    """Sum a count (`n` unless told) of grouped rows by one of their keys:
    several figures from one grouped query."""
    pick = (lambda group: group[key]) if isinstance(key, str) else key
    found = Counter()
    for group in groups:
        found[pick(group)] += group[value]
    return found
