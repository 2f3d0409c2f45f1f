"""The indicator analysis in the monthly and annual Word reports (and the
workbook): rank table, biggest falls, signed findings; not in weekly ones."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from indicators import services
from reporting import services as reports
from reporting.periods import containing
from tests.indicators.conftest import NOW, OCTOBER, SEPTEMBER, figures_for, upload, workbook
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_months(tree, prefecture_supervisor, luding_supervisor):
    services.import_sheet(
        prefecture_supervisor, SEPTEMBER, upload(workbook(tree, figures_for(tree, 80), SEPTEMBER)),
        now=NOW,
    )  # fmt: skip
    weak = {"513322": {"B1": 41, "B2": 45, "B3": 50}}
    services.import_sheet(
        prefecture_supervisor, OCTOBER, upload(workbook(tree, figures_for(tree, 80, **weak))),
        now=NOW,
    )  # fmt: skip
    luding = Region.objects.get(code="513322")
    signed = services.draft_finding(
        luding_supervisor, luding, OCTOBER, title="泸定县办理成熟度偏低",
        problem="全程网办率得分45.00。", approach="集中排查综合受办故障。", now=NOW,
    )  # fmt: skip
    services.sign_finding(luding_supervisor, signed, now=NOW)
    services.draft_finding(
        luding_supervisor, luding, OCTOBER, title="草稿不入报告", problem="p", approach="a",
        now=NOW,
    )  # fmt: skip


def _document(kind, day, code="513300"):
    content = reports.render_report(
        containing(kind, day), Region.objects.get(code=code), "docx", now=at("2026-11-20 09:00")
    )
    return Document(io.BytesIO(content))


def test_the_monthly_report_has_ranks_falls_and_signed_findings(two_months):
    document = _document("month", dt.date(2026, 10, 1))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("、评估指标分析") for h in headings)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "2026年10月全州18个县（市）综合得分平均" in body
    assert "排名末位：泸定县" in body
    assert (
        "【泸定县】泸定县办理成熟度偏低：全程网办率得分45.00。解决思路：集中排查综合受办故障。"
        in body
    )
    assert "草稿不入报告" not in body
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert cells[[r[1] for r in cells].index("泸定县")][:2] == ["18", "泸定县"]
    assert ["泸定县", "网上可办率", "80.00", "41.00", "-39.00"] in cells


def test_a_county_report_shows_that_county_only(two_months):
    document = _document("month", dt.date(2026, 10, 1), "513322")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "泸定县综合得分" in body and "全州排名第18" in body
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "康定市" not in cells


def test_the_annual_report_reads_the_latest_month_when_the_year_has_no_figures(two_months):
    body = "\n".join(p.text for p in _document("year", dt.date(2026, 1, 1)).paragraphs)
    assert "2026年10月全州18个县（市）" in body


def test_weekly_reports_leave_the_section_out(two_months):
    document = _document("week", dt.date(2026, 10, 12))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert not any("评估指标" in h for h in headings)


def test_the_workbook_has_the_ranking_and_the_falls(two_months):
    content = reports.render_report(
        containing("month", dt.date(2026, 10, 1)),
        Region.objects.get(code="513300"),
        "xlsx",
        now=at("2026-11-20 09:00"),
    )
    book = load_workbook(io.BytesIO(content))
    ranks = list(book["评估指标排名"].iter_rows(min_row=3, values_only=True))
    assert len(ranks) == 18 and ranks[-1][:2] == (18, "泸定县")
    falls = list(book["评估指标降幅"].iter_rows(min_row=3, values_only=True))
    assert falls[0][:2] == ("泸定县", "网上可办率")
