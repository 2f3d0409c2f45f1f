"""Importing questions in Chromium on a phone (390×844) and a laptop
(1366×768): a sheet with a wrong row lists its errors in Chinese and imports
nothing; the corrected sheet lands as drafts in the bank. No page scrolls
sideways."""

import io
import re

import openpyxl
import pytest

from quizzes import sheet
from quizzes.models import Question, QuestionState
from tests.factories import PASSWORD, OperatorFactory
from tests.test_e2e_layout import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The spreadsheet program and the file's ending; FAQ and 天府通办 APP are names.
ALLOWED_LATIN = {"Excel", "xlsx", "FAQ", "APP"}
ROWS = [
    ["单选", "事项管理系统", "实施清单在哪个系统中认领？", "综合受办平台", "事项管理系统"]
    + [""] * 4
    + ["B", ""],
    ["判断", "", "超期件会在综合受办平台中标出。"] + [""] * 6 + ["正确", ""],
]


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(sheet.HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fits_and_chinese(page, what):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    words = set(re.findall(r"[A-Za-z]{2,}", page.inner_text("main"))) - ALLOWED_LATIN
    assert not words, (what, words)


def upload(page, content: bytes):
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "题目.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": content,
            }
        ],
    )
    page.click("main form button")
    page.wait_for_load_state()


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_an_operator_imports_questions(browser, live_server, width, height):
    writer = OperatorFactory(last_name="王", first_name="运维")
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", writer.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/quizzes/questions/")
    page.click("[data-import]")
    page.wait_for_selector("form[enctype='multipart/form-data']")
    fits_and_chinese(page, "import page")

    wrong = [[*ROWS[0][:9], "E", ""], ROWS[1]]
    upload(page, workbook(wrong))
    errors = page.locator("[data-import-errors]")
    errors.wait_for()
    assert "第2行 J列（答案）" in errors.inner_text()
    assert not Question.objects.exists()
    fits_and_chinese(page, "errors")
    screenshot(page, f"quiz-import-errors-{width}")

    upload(page, workbook(ROWS))
    page.wait_for_selector("[data-questions]")
    assert "已导入2道题" in page.inner_text("main")
    assert Question.objects.filter(state=QuestionState.DRAFT, author=writer).count() == 2
    fits_and_chinese(page, "bank")
    screenshot(page, f"quiz-import-done-{width}")
