"""Geometry of the dashboard's inline SVG charts; pure, no Django.

The template draws the shapes (and escapes every label), so the page needs
no JavaScript library; each bar carries its figure's drill-down key.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    label: str
    n: float
    key: str


def columns(points: list[Point], width: int = 720, height: int = 160, gap: float = 2) -> dict:
    """Vertical bars (the volume trend), tallest at full height."""
    peak = max((p.n for p in points), default=0) or 1
    step = width / max(len(points), 1)
    bars = []
    for i, point in enumerate(points):
        h = round(height * point.n / peak, 1)
        bars.append(
            {
                "x": round(i * step + gap / 2, 1),
                "y": round(height - h, 1),
                "w": round(max(step - gap, 1), 1),
                "h": h,
                "label": point.label,
                "n": point.n,
                "key": point.key,
            }
        )
    return {"width": width, "height": height, "peak": peak, "bars": bars}


def rows(
    points: list[Point], width: int = 480, label_width: int = 90, bar: int = 16, gap: int = 6
) -> dict:
    """Horizontal bars (counties, ratings), longest at full width, with room
    for the label on the left and the count on the right."""
    peak = max((p.n for p in points), default=0) or 1
    room = width - label_width - 50
    bars = []
    for i, point in enumerate(points):
        y = i * (bar + gap)
        w = round(room * point.n / peak, 1)
        bars.append(
            {
                "y": y,
                "text_y": y + bar - 4,
                "w": w,
                "value_x": round(label_width + w + 4, 1),
                "label": point.label,
                "n": point.n,
                "key": point.key,
            }
        )
    return {
        "width": width,
        "height": max(len(points) * (bar + gap) - gap, bar),
        "label_width": label_width,
        "bar": bar,
        "bars": bars,
    }
