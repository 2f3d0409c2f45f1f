"""The layout of the report workbook an analyst filters and sums; openpyxl
only, no Django.

Every sheet: a title row with the report, period and region; a bold header
row, frozen, with a filter; numbers stored as numbers in a format that says
what they are (percent, working hours:minutes, dates); widths from the
content so that nothing shows as ###.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Text starting with these is read by Excel as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TITLE_ROW, HEADER_ROW = 1, 2
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

# kind: (number format, how a value is written)
FORMATS = {
    "text": "@",
    "int": "0",
    "number": "0.0",
    "percent": "0.0%",
    # Working minutes as a duration: Excel counts in days.
    "minutes": "[h]:mm",
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
    "bool": "@",
    "url": "@",
}


def excel_cell(value):
    """A value as written to a sheet: text stays text. Titles and names come
    from the people who file tickets, and a formula among them would run (or
    link out) when a supervisor opens the report; characters that a sheet
    cannot hold would stop the report being made at all."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"


@dataclass(frozen=True)
class Typed:
    """A value written in its own format rather than its column's (a sheet
    of indicators holds counts, rates and times in one column)."""

    value: object
    kind: str


def _value(value, kind: str):
    if value is None:
        return None
    if kind == "bool":
        return "是" if value else "否"
    if kind == "minutes" and isinstance(value, int | float):
        return value / 1440
    if kind == "datetime" and isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return excel_cell(value)


def _shown_width(value, kind: str) -> int:
    """How many character widths a cell needs; a Chinese character takes two."""
    if value is None:
        return 0
    shown = {"datetime": 16, "date": 10, "percent": 7, "minutes": 7}.get(kind)
    if shown:
        return shown
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class WorkbookReport:
    """A workbook being written: sections add sheets through `sheet` and never
    deal with the layout."""

    def __init__(self, caption: str):
        # e.g. 甘孜藏族自治州政务服务平台运维月报 · 2025年11月 · 甘孜藏族自治州
        self.caption = caption
        self.book = Workbook()
        self._first = True

    def sheet(self, title: str, columns: Sequence[Column], rows: Iterable[Sequence]):
        if self._first:
            ws, self._first = self.book.active, False
            ws.title = title
        else:
            ws = self.book.create_sheet(title)
        ws.cell(TITLE_ROW, 1, excel_cell(f"{self.caption} · {title}")).font = Font(
            bold=True, size=12
        )
        widths = [_shown_width(c.header, "text") for c in columns]
        for index, column in enumerate(columns, 1):
            cell = ws.cell(HEADER_ROW, index, column.header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        row_number = HEADER_ROW
        for row in rows:
            row_number += 1
            for index, (column, value) in enumerate(zip(columns, row, strict=True), 1):
                kind = value.kind if isinstance(value, Typed) else column.kind
                value = value.value if isinstance(value, Typed) else value
                written = _value(value, kind)
                cell = ws.cell(row_number, index, written)
                if written is not None and kind not in ("text", "bool", "url"):
                    cell.number_format = FORMATS[kind]
                widths[index - 1] = max(widths[index - 1], _shown_width(written, kind))
        if row_number == HEADER_ROW:
            row_number += 1
            ws.cell(row_number, 1, "无")
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, width + 2)
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{row_number}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        return ws

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()
