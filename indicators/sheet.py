"""The province's score sheet as an Excel workbook; pure, no Django.

Layout (the one the province publishes, and the one the template and the
sample follow): a title row, a row naming the period, then a two-row header
— 序号 and 县（市） spanning both rows, each level-one indicator over its
level-two columns (a level-one indicator without children spans both rows
itself) — then one row per county, and a note row at the end. The reader
finds the header by its 县（市） cell, so rows added above it or below the
table, and columns it does not know, do no harm; notes (a row whose first
cell starts with 注 or 说明) and a prefecture summary row (全州…, 合计,
平均) are skipped.

Errors carry a code and details (row as the spreadsheet numbers it, the
column letter and its header), not text: the caller words them.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from indicators.analysis import Tree

COUNTY_HEADERS = ("县（市）", "县(市)", "县市", "县市名称", "地区", "单位", "县", "区县")
SKIPPED_ROWS = ("全州", "甘孜州", "甘孜藏族自治州", "合计", "平均", "全州平均")
NOTE_PREFIXES = ("注", "说明", "备注")
MAX_ROWS = 500
TITLE = "甘孜州政务服务效能评估指标得分表"


def _key(value) -> str:
    return re.sub(r"[\s（）()·:：、]", "", str(value or "")).lower()


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column letter, "" for the row as a whole
    header: str
    code: str
    details: dict = field(default_factory=dict)


class SheetError(Exception):
    """The file as a whole cannot be read."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass
class ParsedSheet:
    # county code -> leaf key -> score
    values: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _rows(data: bytes) -> list[list]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SheetError("bad_file") from None
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS:
                raise SheetError("too_many_rows", limit=MAX_ROWS)
        return rows
    finally:
        book.close()


def _county_lookup(counties: Mapping[str, str]) -> dict[str, str]:
    """Names and codes as a sheet may write them: 康定市, 康定, 513301."""
    lookup = {}
    for code, name in counties.items():
        lookup[_key(code)] = code
        lookup[_key(name)] = code
        short = re.sub(r"(自治县|县|市)$", "", name)
        if len(short) >= 2:
            lookup.setdefault(_key(short), code)
    return lookup


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse(data: bytes, tree: Tree, counties: Mapping[str, str]) -> ParsedSheet:
    """Every county's leaf scores, or the errors of each bad cell and row.
    Raises SheetError when there is no table to read."""
    rows = _rows(data)
    wanted = {_key(leaf.name): leaf for leaf in tree.leaves}
    header_at, county_col = None, None
    for number, row in enumerate(rows[:20]):
        for col, cell in enumerate(row):
            if _key(cell) in {_key(h) for h in COUNTY_HEADERS}:
                header_at, county_col = number, col
                break
        if header_at is not None:
            break
    if header_at is None:
        raise SheetError("no_header")
    # The header may take two rows (level one above level two): a column
    # is named by its lowest header cell.
    headers = list(rows[header_at])
    first_data = header_at + 1
    below = rows[header_at + 1] if header_at + 1 < len(rows) else []
    if below and (below[county_col] in (None, "")) and any(_key(c) in wanted for c in below):
        for col, cell in enumerate(below):
            if col < len(headers) and cell not in (None, ""):
                headers[col] = cell
            elif col >= len(headers):
                headers.append(cell)
        first_data += 1
    parsed = ParsedSheet()
    columns: dict[int, object] = {}
    for col, cell in enumerate(headers):
        if col == county_col or cell in (None, ""):
            continue
        leaf = wanted.get(_key(cell))
        if leaf is not None and leaf.key not in {c.key for c in columns.values()}:
            columns[col] = leaf
        elif _key(cell) not in ("序号", "排名", "综合得分", "总分", "合计") and leaf is None:
            parsed.ignored_columns.append(str(cell))
    found = {leaf.key for leaf in columns.values()}
    for leaf in tree.leaves:
        if leaf.key not in found:
            parsed.errors.append(
                RowError(header_at + 1, "", leaf.name, "missing_column", {"name": leaf.name})
            )
    lookup = _county_lookup(counties)
    seen: dict[str, int] = {}
    for index in range(first_data, len(rows)):
        row, number = rows[index], index + 1
        cells = row + [None] * (len(headers) - len(row))
        name = str(cells[county_col] or "").strip()
        first = str(next((c for c in cells if c not in (None, "")), "")).strip()
        if not name:
            if first.startswith(NOTE_PREFIXES) or not first:
                continue
            parsed.errors.append(RowError(number, _letter(county_col), "县（市）", "no_county"))
            continue
        if name.startswith(NOTE_PREFIXES) or first.startswith(NOTE_PREFIXES):
            continue
        if _key(name) in {_key(s) for s in SKIPPED_ROWS}:
            continue
        code = lookup.get(_key(name))
        if code is None:
            parsed.errors.append(
                RowError(number, _letter(county_col), "县（市）", "unknown_county", {"value": name})
            )
            continue
        if code in seen:
            parsed.errors.append(
                RowError(
                    number,
                    _letter(county_col),
                    "县（市）",
                    "duplicate_county",
                    {"value": counties[code], "first": seen[code]},
                )
            )
            continue
        seen[code] = number
        scores, good = {}, True
        for col, leaf in columns.items():
            value = cells[col] if col < len(cells) else None
            where = (number, _letter(col), leaf.name)
            if value in (None, "") or (isinstance(value, str) and not value.strip()):
                parsed.errors.append(RowError(*where, "empty"))
                good = False
                continue
            score = _number(value)
            if score is None:
                parsed.errors.append(RowError(*where, "not_a_number", {"value": str(value)[:40]}))
                good = False
            elif not (0 <= score <= Decimal(str(leaf.full_marks))):
                parsed.errors.append(
                    RowError(*where, "out_of_range", {"value": str(score), "high": leaf.full_marks})
                )
                good = False
            else:
                scores[leaf.key] = score.quantize(Decimal("0.01"))
        if good:
            parsed.values[code] = scores
    missing = [name for code, name in counties.items() if code not in seen]
    if missing and not parsed.errors:
        parsed.errors.append(RowError(0, "", "", "missing_counties", {"names": "、".join(missing)}))
    return parsed


def build(
    tree: Tree,
    counties: Mapping[str, str],
    period_title: str,
    figures: Mapping[str, Mapping[str, float]] | None = None,
    note: str = "",
) -> bytes:
    """The sheet for a period: blank (the template) or with figures (the sample)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "指标得分"
    roots = tree.roots
    leaves = tree.leaves
    width = 2 + len(leaves)
    sheet.cell(1, 1, f"{TITLE}（{period_title}）")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.cell(2, 1, f"统计周期：{period_title}")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for col, text in ((1, "序号"), (2, "县（市）")):
        sheet.cell(3, col, text)
        sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    col = 3
    for root in roots:
        children = tree.children(root.key)
        if children:
            sheet.cell(3, col, root.name)
            if len(children) > 1:
                sheet.merge_cells(
                    start_row=3, start_column=col, end_row=3, end_column=col + len(children) - 1
                )
            for offset, child in enumerate(children):
                sheet.cell(4, col + offset, child.name)
            col += len(children)
        else:
            sheet.cell(3, col, root.name)
            sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
            col += 1
    for row in (3, 4):
        for c in range(1, width + 1):
            cell = sheet.cell(row, c)
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.border = box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, (code, name) in enumerate(counties.items(), start=1):
        row = 4 + number
        sheet.cell(row, 1, number).border = box
        sheet.cell(row, 2, name).border = box
        for offset, leaf in enumerate(leaves):
            cell = sheet.cell(row, 3 + offset)
            cell.border = box
            cell.number_format = "0.00"
            if figures and leaf.key in figures.get(code, {}):
                cell.value = float(figures[code][leaf.key])
    last = 5 + len(counties)
    sheet.cell(
        last,
        1,
        note
        or "注：每县（市）一行，每项二级指标一列，填写得分（0至该项满分，可保留两位小数）；"
        "请勿改动表头。",
    )
    sheet.merge_cells(start_row=last, start_column=1, end_row=last, end_column=width)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 12
    for offset in range(len(leaves)):
        sheet.column_dimensions[_letter(2 + offset)].width = 12
    sheet.freeze_panes = "C5"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sample_figures(
    tree: Tree, counties: Iterable[str], seed: int = 7
) -> dict[str, dict[str, float]]:
    """Made-up scores for the sample sheet: steady, reproducible, and
    clearly invented (every county between 60 and 98)."""
    figures = {}
    for i, code in enumerate(counties):
        figures[code] = {}
        for j, leaf in enumerate(tree.leaves):
            spread = ((i * 37 + j * 17 + seed * 11) % 38) / 100
            figures[code][leaf.key] = round(leaf.full_marks * (0.60 + spread), 2)
    return figures
