"""Charts as PNG, with Chinese labels in a CJK font found on disk (Debian's
fonts-noto-cjk); nothing is downloaded."""

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no display on a server

from matplotlib import font_manager
from matplotlib import pyplot as plt

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei")
COLOURS = ["#2b6cb0", "#38a169", "#d69e2e", "#e53e3e", "#805ad5", "#319795"]


class NoCjkFont(RuntimeError):
    pass


@cache
def cjk_font() -> font_manager.FontProperties:
    """A font that has Chinese glyphs, by file path, so matplotlib does not
    fall back to boxes."""
    for path in font_manager.findSystemFonts():
        lowered = path.lower()
        if "notosanscjk" in lowered.replace("-", "") and "regular" in lowered:
            return font_manager.FontProperties(fname=path)
    for path in font_manager.findSystemFonts():
        if "cjk" in path.lower() or "wqy" in path.lower():
            return font_manager.FontProperties(fname=path)
    raise NoCjkFont("no CJK font installed: apt-get install fonts-noto-cjk")


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _style(ax, title, font):
    ax.set_title(title, fontproperties=font, fontsize=12)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(font)
    ax.spines[["top", "right"]].set_visible(False)


def line(title: str, labels: list[str], values: list[float], y_label: str = "") -> bytes:
    font = cjk_font()
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.plot(range(len(values)), values, marker="o", color=COLOURS[0], linewidth=1.6, markersize=3)
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=0)
    ax.set_ylabel(y_label, fontproperties=font)
    ax.set_ylim(bottom=0)
    _style(ax, title, font)
    return _png(fig)


def bars(title: str, labels: list[str], values: list[float], horizontal=False) -> bytes:
    font = cjk_font()
    height = max(2.8, 0.32 * len(labels)) if horizontal else 2.8
    fig, ax = plt.subplots(figsize=(7, height))
    if horizontal:
        ax.barh(labels[::-1], values[::-1], color=COLOURS[0])
    else:
        ax.bar(labels, values, color=COLOURS[: len(values)] or COLOURS[0])
    _style(ax, title, font)
    return _png(fig)
