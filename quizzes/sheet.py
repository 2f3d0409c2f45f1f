"""The question import sheet (题目导入模板): its columns, the template, and
reading a filled-in sheet row by row. Pure: no database and no Django. Errors
carry the spreadsheet row and column and a code with its details, not text, so
the caller says them in the user's language (quizzes/services.py).

One question a row, below a header row that names the columns as the template
does: 题型 (单选 / 多选 / 判断), 子系统 (its name or code; empty: every
subsystem), 题目, 选项A to 选项F written from A on without gaps, 答案 (the
letters of the right options, e.g. B or ACD; for 判断 正确 or 错误) and 解析.
Empty rows are skipped.
"""

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from quizzes import scoring

MAX_OPTIONS = 6
MAX_ROWS = 500
STEM_MAX = 2000
OPTION_MAX = 500
EXPLANATION_MAX = 4000
SHEET_TITLE = "题目"
TEMPLATE_NAME = "题目导入模板.xlsx"
OPTION_LETTERS = "ABCDEF"[:MAX_OPTIONS]
HEADERS = (
    "题型",
    "子系统",
    "题目",
    *(f"选项{letter}" for letter in OPTION_LETTERS),
    "答案",
    "解析",
)
KIND_COLUMN, SUBSYSTEM_COLUMN, STEM_COLUMN = 0, 1, 2
FIRST_OPTION_COLUMN = 3
ANSWER_COLUMN = FIRST_OPTION_COLUMN + MAX_OPTIONS
EXPLANATION_COLUMN = ANSWER_COLUMN + 1

KIND_NAMES = {
    "单选": scoring.SINGLE,
    "单选题": scoring.SINGLE,
    "多选": scoring.MULTIPLE,
    "多选题": scoring.MULTIPLE,
    "判断": scoring.TRUE_FALSE,
    "判断题": scoring.TRUE_FALSE,
}
TRUE_WORDS = {"正确", "对", "是", "√", "T", "TRUE"}
FALSE_WORDS = {"错误", "错", "否", "×", "F", "FALSE"}
TRUE_TEXT, FALSE_TEXT = "正确", "错误"
_SEPARATORS = re.compile(r"[\s,，、;；]+")

# What the template's second sheet says, and an example of each type.
GUIDE = (
    ("列", "填写说明"),
    ("题型", "单选、多选或判断"),
    ("子系统", "子系统名称或代码，如“事项管理系统”或 service_items；不填表示通用"),
    ("题目", "题干，必填"),
    ("选项A–选项F", "单选至少两个选项、多选至少三个，从选项A起连续填写；判断题不填选项"),
    ("答案", "正确选项的字母，如 B 或 ACD；判断题填“正确”或“错误”"),
    ("解析", "可不填，考后与正确答案一起显示"),
    ("", "导入的题目均为草稿，由另一位主管审核后发布。整张表有一处错误则全部不导入。"),
)
EXAMPLES = (
    (
        "单选",
        "事项管理系统",
        "实施清单在哪个系统中认领？",
        "综合受办平台",
        "事项管理系统",
        "电子印章管理系统",
        "",
        "",
        "",
        "B",
        "实施清单在事项管理系统中认领、编辑和发布。",
    ),
    ("判断", "综合受办平台", "超期件会在综合受办平台中标出。", *[""] * MAX_OPTIONS, "正确", ""),
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: int | None  # 0-based column of HEADERS; None: the row or the file as a whole
    code: str
    details: tuple = ()

    @property
    def column_letter(self) -> str:
        return "" if self.column is None else get_column_letter(self.column + 1)

    @property
    def header(self) -> str:
        return "" if self.column is None else HEADERS[self.column]


@dataclass(frozen=True)
class SheetQuestion:
    row: int
    kind: str
    subsystem: str
    stem: str
    options: tuple[tuple[str, bool], ...]
    explanation: str


def template_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in enumerate((8, 16, 40, *[16] * MAX_OPTIONS, 10, 40), 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    for line in GUIDE:
        guide.append(line)
    guide.append(())
    guide.append(("示例（请在“题目”表中填写）",))
    guide.append(HEADERS)
    for example in EXAMPLES:
        guide.append(example)
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _too_long(row: int, column: int, text: str, limit: int) -> list[RowError]:
    return [RowError(row, column, "too_long", (limit,))] if len(text) > limit else []


def _options(row: int, cells: Sequence[str]) -> tuple[list[str], list[RowError]]:
    written = list(cells[FIRST_OPTION_COLUMN:ANSWER_COLUMN])
    last = max((i for i, text in enumerate(written) if text), default=-1)
    errors = []
    for i in range(last + 1):
        column = FIRST_OPTION_COLUMN + i
        if not written[i]:
            errors.append(RowError(row, column, "option_gap"))
        errors += _too_long(row, column, written[i], OPTION_MAX)
    return written[: last + 1], errors


def _answer_letters(answer: str) -> list[str] | None:
    letters = [c for c in _SEPARATORS.sub("", answer.upper())]
    if not letters or any(c not in OPTION_LETTERS for c in letters):
        return None
    return letters


def _read_row(row: int, cells: Sequence[str]) -> SheetQuestion | list[RowError]:
    errors = []
    kind = KIND_NAMES.get(cells[KIND_COLUMN])
    if kind is None:
        errors.append(RowError(row, KIND_COLUMN, "kind", (cells[KIND_COLUMN],)))
    stem = cells[STEM_COLUMN]
    if not stem:
        errors.append(RowError(row, STEM_COLUMN, "required"))
    errors += _too_long(row, STEM_COLUMN, stem, STEM_MAX)
    explanation = cells[EXPLANATION_COLUMN]
    errors += _too_long(row, EXPLANATION_COLUMN, explanation, EXPLANATION_MAX)
    written, option_errors = _options(row, cells)
    answer = cells[ANSWER_COLUMN]
    options: list[tuple[str, bool]] = []
    if kind == scoring.TRUE_FALSE:
        if written:
            errors.append(RowError(row, FIRST_OPTION_COLUMN, "true_false_options"))
        word = answer.upper()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            right = word in TRUE_WORDS
            options = [(TRUE_TEXT, right), (FALSE_TEXT, not right)]
        else:
            errors.append(RowError(row, ANSWER_COLUMN, "true_false_answer", (answer,)))
    elif kind is not None:
        errors += option_errors
        letters = _answer_letters(answer) if answer else None
        if not answer:
            errors.append(RowError(row, ANSWER_COLUMN, "required"))
        elif letters is None:
            errors.append(RowError(row, ANSWER_COLUMN, "answer_letters", (answer,)))
        else:
            unknown = sorted({c for c in letters if OPTION_LETTERS.index(c) >= len(written)})
            if unknown:
                errors.append(RowError(row, ANSWER_COLUMN, "answer_no_option", ("".join(unknown),)))
            options = [(text, OPTION_LETTERS[i] in letters) for i, text in enumerate(written)]
            errors += _shape(row, kind, written, letters)
    if errors:
        return errors
    return SheetQuestion(row, kind, cells[SUBSYSTEM_COLUMN], stem, tuple(options), explanation)


def _shape(row: int, kind: str, written: list[str], letters: list[str]) -> list[RowError]:
    """The rules the bank applies when a question is published, said of the
    sheet's cells (quizzes.services.check_options)."""
    errors = []
    if len(set(written)) != len(written):
        errors.append(RowError(row, FIRST_OPTION_COLUMN, "options_repeat"))
    right = len(set(letters))
    if kind == scoring.SINGLE:
        if len(written) < 2:
            errors.append(RowError(row, FIRST_OPTION_COLUMN, "single_options"))
        if right != 1:
            errors.append(RowError(row, ANSWER_COLUMN, "single_answer"))
    if kind == scoring.MULTIPLE:
        if len(written) < 3:
            errors.append(RowError(row, FIRST_OPTION_COLUMN, "multiple_options"))
        if right < 2:
            errors.append(RowError(row, ANSWER_COLUMN, "multiple_answer"))
    return errors


def read_rows(rows: Iterable[Sequence]) -> tuple[list[SheetQuestion], list[RowError]]:
    """The questions of a sheet's rows (the header first), or what is wrong
    with them, each row checked on its own."""
    rows = iter(rows)
    header = [_text(v) for v in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    if tuple(header) != HEADERS:
        return [], [RowError(1, None, "header")]
    questions, errors, written = [], [], 0
    for number, values in enumerate(rows, 2):
        cells = [_text(v) for v in values][: len(HEADERS)]
        cells += [""] * (len(HEADERS) - len(cells))
        if not any(cells):
            continue
        written += 1
        if written > MAX_ROWS:
            return [], [RowError(number, None, "too_many_rows", (MAX_ROWS,))]
        found = _read_row(number, cells)
        if isinstance(found, SheetQuestion):
            questions.append(found)
        else:
            errors += found
    if not questions and not errors:
        errors.append(RowError(2, None, "empty"))
    return questions, errors


def read_workbook(data: bytes) -> tuple[list[SheetQuestion], list[RowError]]:
    """The first sheet of an .xlsx file; an unreadable file is one error."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        return [], [RowError(1, None, "unreadable")]
    try:
        sheet = book.worksheets[0]
        return read_rows(sheet.iter_rows(values_only=True))
    finally:
        book.close()
