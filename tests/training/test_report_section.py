"""The training part of the period reports, in Word and Excel."""

import io

from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from reporting import sections
from reporting import services as reports
from reporting.periods import containing
from tests.sla.conftest import at
from training.models import Attendance, AttendanceMethod, Invitation

from .conftest import make_session


def test_section_is_registered():
    assert "training" in {s.key for s in sections.ordered()}


def test_month_report_shows_rounds_and_attendance(plan, clerk, township_clerk):
    import datetime as dt

    session = make_session(plan, "2026-05-10T09:00", title="电子印章申领培训")
    for person in (clerk, township_clerk):
        Invitation.objects.create(session=session, user=person)
    Attendance.objects.create(session=session, user=clerk, method=AttendanceMethod.QR)
    month = containing("month", dt.date(2026, 5, 1))
    prefecture = Region.objects.get(code="513300")
    document = Document(
        io.BytesIO(reports.render_report(month, prefecture, "docx", now=at("2026-06-02T10:00")))
    )
    body = "\n".join(p.text for p in document.paragraphs)
    assert "培训情况" in body
    assert "要求全年至少4期，截至本期末已举办1期" in body
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "电子印章申领培训" in cells and "50.0%" in cells
    book = load_workbook(
        io.BytesIO(reports.render_report(month, prefecture, "xlsx", now=at("2026-06-02T10:00")))
    )
    rows = list(book["培训"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "电子印章申领培训" and rows[0][4] == 2 and rows[0][5] == 1
