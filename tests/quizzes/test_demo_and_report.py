"""The demo's quiz results, and the assessment's part of the period reports."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from quizzes import services
from quizzes.models import Attempt, Question, Quiz
from reporting import services as reports
from reporting.periods import containing
from tests.factories import DepartmentFactory, UserFactory, region
from tests.quizzes.conftest import attended, right_answers, training_session, wrong_answers
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-11-20 12:00")


def test_the_demo_has_quizzes_taken_by_several_clerks_some_failed():
    call_command("seed_demo", tickets=0, until="2026-11-20", now=NOW)
    attempts = Attempt.objects.all()
    assert Quiz.objects.filter(opened_at__isnull=False).count() >= 2
    assert attempts.values("user").distinct().count() >= 5
    assert attempts.filter(passed=True).exists() and attempts.filter(passed=False).exists()
    assert attempts.filter(number=2, passed=True).exists()
    assert not attempts.filter(submitted_at__gt=NOW).exists()
    assert not attempts.filter(started_at__gt=NOW).exists()
    assert not Question.objects.filter(created_at__gt=NOW).exists()
    assert not Quiz.objects.filter(created_at__gt=NOW).exists()
    count = attempts.count()
    call_command("seed_demo", tickets=0, until="2026-11-20", now=NOW)
    assert Attempt.objects.count() == count


@pytest.fixture
def november(quiz, session, clerk, centre, kangding_supervisor):
    """A November session of 康定: 卓玛 passed, 格桑 failed; a 泸定 clerk passed."""
    session.starts_at = at("2026-11-10 14:30")
    session.ends_at = at("2026-11-10 16:30")
    session.save()
    failing = UserFactory(department=centre, last_name="格桑", first_name="拉姆")
    luding = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    other = UserFactory(department=luding)
    for person, answers in (
        (clerk, right_answers),
        (failing, wrong_answers),
        (other, right_answers),
    ):
        attended(session, person)
        attempt = services.start_attempt(quiz, person, now=at("2026-11-10 16:00"))
        services.submit(attempt, person, answers(attempt), now=at("2026-11-10 16:10"))
    # A session of another month does not count.
    training_session("513301", starts_at=at("2026-10-10 14:30"), title="十月培训")


def test_the_word_report_gives_pass_rates_per_session_and_department(november):
    content = reports.render_report(
        containing("month", dt.date(2026, 11, 1)),
        Region.objects.get(code="513301"),
        "docx",
        now=NOW,
    )
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("培训成果考核") for h in headings)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "参考2人次，合格1人次，合格率50.0%" in body
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    sessions = next(t for t in tables if t[0][:3] == ["培训场次", "培训日期", "参考人数"])
    assert sessions[1] == ["事项管理系统操作培训", "2026-11-10", "2", "1", "50.0%", "50.0%"]
    departments = next(t for t in tables if t[0][:2] == ["单位", "参考人次"])
    # 康定's report: the 泸定 clerk's attempt is not in it.
    assert departments[1:] == [["炉城街道便民服务中心", "2", "1", "50.0%", "50.0%"]]


def test_the_workbook_has_the_pass_rate_sheets(november):
    content = reports.render_report(
        containing("month", dt.date(2026, 11, 1)),
        Region.objects.get(code="513300"),
        "xlsx",
        now=NOW,
    )
    book = load_workbook(io.BytesIO(content))
    assert {"培训考核合格率", "各单位考核情况", "考核成绩"} <= set(book.sheetnames)
    rows = [[c.value for c in row] for row in book["培训考核合格率"].iter_rows()]
    session_row = next(r for r in rows if r[0] == "事项管理系统操作培训")
    assert session_row[2:5] == [3, 2, pytest.approx(2 / 3, abs=0.001)]
    departments = {
        r[0]: r for r in ([c.value for c in row] for row in book["各单位考核情况"].iter_rows())
    }
    assert departments["泸定县政务服务中心"][1:4] == [1, 1, 1.0]
