"""Importing questions from the Excel template: every row checked, Chinese
errors with row and column, all or nothing, drafts for a second reviewer."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes import services, sheet
from quizzes.models import Question, QuestionState
from tests.factories import PNG
from tests.quizzes.conftest import supervisor

pytestmark = pytest.mark.django_db

GOOD = [
    [
        "单选",
        "事项管理系统",
        "实施清单在哪个系统中认领？",
        "综合受办平台",
        "事项管理系统",
        "",
        "",
        "",
        "",
        "B",
        "在事项管理系统中认领。",
    ],
    [
        "多选",
        "e_seal",
        "以下哪些属于电子印章的操作？",
        "认领",
        "编目",
        "制章",
        "",
        "",
        "",
        "AC",
        "",
    ],
    ["判断", "", "超期件会在综合受办平台中标出。", "", "", "", "", "", "", "正确", ""],
]


def workbook(rows, name="题目.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append(sheet.HEADERS)
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_the_rows_land_as_drafts_of_the_importer(operator):
    imported = services.import_questions(operator, workbook(GOOD))
    assert [q.stem for q in imported] == [row[2] for row in GOOD]
    assert {q.state for q in imported} == {QuestionState.DRAFT}
    assert {q.author for q in imported} == {operator}
    single, multiple, true_false = imported
    assert single.subsystem.code == "service_items" and multiple.subsystem.code == "e_seal"
    assert true_false.subsystem is None
    assert [(o.text, o.is_correct) for o in multiple.options.all()] == [
        ("认领", True),
        ("编目", False),
        ("制章", True),
    ]


def test_one_bad_row_imports_nothing_and_every_error_is_said(client, operator):
    bad = [
        *GOOD,
        ["单选", "不存在的系统", "题目", "甲", "乙", "", "", "", "", "A", ""],
        ["多选", "", "题目二", "甲", "乙", "丙", "", "", "", "E", ""],
    ]
    client.force_login(operator)
    response = client.post(reverse("quizzes:question_import"), {"file": workbook(bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "未导入任何题目" in page
    assert "第5行 B列（子系统）" in page
    assert "第6行 J列（答案）" in page
    assert not Question.objects.exists()


def test_a_file_that_is_not_an_excel_sheet_is_refused_in_chinese(client, operator):
    client.force_login(operator)
    for upload in (
        SimpleUploadedFile("题目.xlsx", PNG),
        SimpleUploadedFile("题目.png", PNG),
        SimpleUploadedFile("题目.xlsx", b"MZ\x90\x00" + bytes(100)),
    ):
        response = client.post(reverse("quizzes:question_import"), {"file": upload})
        assert response.status_code == 400
        assert "data-import-errors" in response.content.decode()
    assert not Question.objects.exists()


def test_the_import_page_hands_out_the_template_and_imports_once(client, operator):
    client.force_login(operator)
    page = client.get(reverse("quizzes:bank")).content.decode()
    assert reverse("quizzes:question_import") in page
    template = client.get(reverse("quizzes:import_template"))
    assert template.status_code == 200
    assert "attachment" in template["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    assert [c.value for c in book.worksheets[0][1]] == list(sheet.HEADERS)

    data = {"file": workbook(GOOD), "submit_token": "import-token-1"}
    response = client.post(reverse("quizzes:question_import"), data)
    assert response.status_code == 302
    assert Question.objects.filter(state=QuestionState.DRAFT).count() == 3
    again = client.post(
        reverse("quizzes:question_import"),
        {"file": workbook(GOOD), "submit_token": "import-token-1"},
    )
    assert again["Location"] == response["Location"]
    assert Question.objects.count() == 3
    bank = client.get(response["Location"]).content.decode()
    assert "已导入3道题" in bank


def test_imported_questions_are_published_by_another_reviewer(kangding_supervisor):
    imported = services.import_questions(kangding_supervisor, workbook(GOOD[:1]))
    second = supervisor("513300")
    assert services.publish_question(imported[0], second).state == QuestionState.PUBLISHED


def test_clerks_do_not_import(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("quizzes:question_import")).status_code == 403
    assert client.get(reverse("quizzes:import_template")).status_code == 403
