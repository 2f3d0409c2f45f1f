"""The parts of a period report, in order: one registry for the Word
report, the workbook and the dashboard.

A part is one `Section`: what it writes into the Word report (`word`), the
sheets it adds to the workbook (`workbook`) and, if it has one, the
template the dashboard includes (`dashboard_template`, rendered with the
dashboard's context). Another app adds its part with one call, usually
from its AppConfig.ready():

    sections.register(Section("training", "培训情况", order=850, word=..., workbook=...))

A part that only monthly and annual reports carry says so with
`kinds=("month", "year")`.

Parts are ordered by `order`; the built-in ones are 100, 200, ... 1000 so
that a part can go between any two. Appendices come after the body. The
Word report numbers the headings (一、二、... and 附录) from the order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    # word(report: docx_layout.WordReport, figures) and
    # workbook(book: xlsx_layout.WorkbookReport, figures)
    word: Callable | None = None
    workbook: Callable | None = None
    dashboard_template: str = ""
    appendix: bool = False
    # The report kinds (week, month, year) the part belongs to; empty: all.
    kinds: tuple[str, ...] = ()


_registry: dict[str, Section] = {}

CHINESE_NUMBERS = "一二三四五六七八九十"


def register(section: Section) -> Section:
    """Add a part, or replace the part registered under the same key."""
    _registry[section.key] = section
    return section


def ordered(kind: str | None = None) -> list[Section]:
    """The parts in order; with a kind, only those a report of that kind has."""
    parts = [s for s in _registry.values() if kind is None or not s.kinds or kind in s.kinds]
    return sorted(parts, key=lambda s: (s.appendix, s.order, s.key))


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (enough for a report's parts)."""
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    prefix = "" if tens == 1 else CHINESE_NUMBERS[tens - 1]
    return prefix + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


def numbered_titles(parts: list[Section]) -> list[str]:
    """The headings of the parts: 一、… for the body, 附录：… (or 附录一：…
    when there are several) for the appendices."""
    appendices = sum(1 for s in parts if s.appendix)
    titles, body, appendix = [], 0, 0
    for section in parts:
        if section.appendix:
            appendix += 1
            label = "附录" if appendices == 1 else f"附录{chinese_number(appendix)}"
            titles.append(f"{label}：{section.title}")
        else:
            body += 1
            titles.append(f"{chinese_number(body)}、{section.title}")
    return titles
