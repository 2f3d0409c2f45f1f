"""The engineer-assessment section of the period reports, Word and Excel."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from reporting import services as reports
from reporting.periods import containing
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

MONTH = containing("month", dt.date(2026, 10, 1))


@pytest.fixture
def october(now, engineer, luding_engineer, assess, prefecture_supervisor):
    """王 (康定): three failures in a row; 李 (泸定): one pass."""
    now.set("2026-10-20 16:00")
    assess(engineer, "2026-10-01", 50)
    assess(engineer, "2026-10-06", 60)
    assess(engineer, "2026-10-12", 70)
    assess(luding_engineer, "2026-10-02", 90, assessor=prefecture_supervisor)
    now.set("2026-11-02 09:00")


def test_the_word_report_lists_assessments_deadlines_and_three_failures(october):
    content = reports.render_report(
        MONTH, Region.objects.get(code="513300"), "docx", now=at("2026-11-02 09:00")
    )
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("、驻场人员考核") for h in headings)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "本期考核驻场人员4人次，通过1人次，未通过3人次。" in body
    assert "王运维连续3次考核未通过，按合同约定可作为解除合同的依据。" in body
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "期限内复核仍未通过" in cells and "2026-10-19" in cells


def test_a_county_report_has_its_own_engineers_only_and_excel_has_the_items(october):
    content = reports.render_report(
        MONTH, Region.objects.get(code="513322"), "xlsx", now=at("2026-11-02 09:00")
    )
    book = load_workbook(io.BytesIO(content))
    rows = list(book["驻场考核"].iter_rows(min_row=3, values_only=True))
    assert {r[1] for r in rows} == {"李驻场"}
    assert {r[6] for r in rows} == {"业务能力", "服务态度", "好差评"}
    assert rows[0][12] == "通过"
    assert [r[0] for r in book["复核期限"].iter_rows(min_row=3, values_only=True)] == ["无"]
