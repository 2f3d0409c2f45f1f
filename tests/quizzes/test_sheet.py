"""Reading the question import sheet, row by row (pure: quizzes/sheet.py)."""

import io

import openpyxl

from quizzes import scoring, sheet

HEADER = list(sheet.HEADERS)


def row(
    kind="单选",
    subsystem="事项管理系统",
    stem="实施清单在哪个系统中认领？",
    options=(),
    answer="B",
    why="",
):
    options = list(options) + [""] * (sheet.MAX_OPTIONS - len(options))
    return [kind, subsystem, stem, *options, answer, why]


def codes(errors):
    return [(e.row, e.column_letter, e.code) for e in errors]


def test_the_three_types_are_read():
    questions, errors = sheet.read_rows(
        [
            HEADER,
            row(
                options=["综合受办平台", "事项管理系统", "电子印章管理系统"],
                why="在事项管理系统中。",
            ),
            row(kind="多选", options=["认领", "编目", "制章", "受理"], answer="A, C"),
            row(kind="判断", options=[], answer="错"),
        ]
    )
    assert errors == []
    single, multiple, true_false = questions
    assert (single.row, single.kind, single.subsystem) == (2, scoring.SINGLE, "事项管理系统")
    assert single.options == (
        ("综合受办平台", False),
        ("事项管理系统", True),
        ("电子印章管理系统", False),
    )
    assert single.explanation == "在事项管理系统中。"
    assert [right for _text, right in multiple.options] == [True, False, True, False]
    assert true_false.kind == scoring.TRUE_FALSE
    assert true_false.options == (("正确", False), ("错误", True))


def test_each_error_names_its_row_and_column():
    questions, errors = sheet.read_rows(
        [
            HEADER,
            row(options=["甲", "乙"], answer="A"),
            row(kind="填空", options=["甲", "乙"]),
            row(stem="", options=["甲", "", "丙"], answer="A"),
            row(options=["甲", "乙"], answer="D"),
            row(kind="多选", options=["甲", "乙", "丙"], answer="A"),
            row(kind="判断", options=["对"], answer="也许"),
            [None] * len(HEADER),
            row(options=["甲", "甲"], answer="X"),
        ]
    )
    assert [q.row for q in questions] == [2]
    assert codes(errors) == [
        (3, "A", "kind"),
        (4, "C", "required"),
        (4, "E", "option_gap"),
        (5, "J", "answer_no_option"),
        (6, "J", "multiple_answer"),
        (7, "D", "true_false_options"),
        (7, "J", "true_false_answer"),
        (9, "J", "answer_letters"),
    ]
    assert errors[0].header == "题型"


def test_a_sheet_not_made_from_the_template_is_refused_as_a_whole():
    questions, errors = sheet.read_rows([["题目", "答案"], ["甲", "A"]])
    assert questions == [] and codes(errors) == [(1, "", "header")]
    assert codes(sheet.read_rows([HEADER])[1]) == [(2, "", "empty")]


def test_too_many_rows_are_refused():
    rows = [HEADER] + [row(options=["甲", "乙"])] * (sheet.MAX_ROWS + 1)
    questions, errors = sheet.read_rows(rows)
    assert questions == [] and codes(errors) == [(sheet.MAX_ROWS + 2, "", "too_many_rows")]


def test_the_template_has_the_header_and_a_guide_with_examples_that_read_back():
    book = openpyxl.load_workbook(io.BytesIO(sheet.template_bytes()))
    questions_sheet, guide = book.worksheets
    assert [c.value for c in questions_sheet[1]] == HEADER
    assert questions_sheet.max_row == 1
    rows = list(guide.iter_rows(values_only=True))
    start = rows.index(tuple(sheet.HEADERS))
    questions, errors = sheet.read_rows(rows[start:])
    assert errors == [] and len(questions) == len(sheet.EXAMPLES)


def test_a_damaged_file_is_one_error():
    assert codes(sheet.read_workbook(b"PK\x03\x04 not really")[1]) == [(1, "", "unreadable")]
