"""Key work in the period reports: the weekly one lists what moved in the
week and what is late; the monthly one adds progress per county and kind;
the workbook has the items."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from keywork import report_sections, selectors, services
from reporting import services as reports
from reporting.periods import containing
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2026, 11, 16))  # Monday 11-16 to Sunday 11-22


@pytest.fixture
def november(make_item, clerk, luding_centre, prefecture_supervisor):
    """In the week: 康定's trial run reported and reached; 泸定's list missed
    on 11-13 (late). Before it: an update that did not move this week."""
    kangding = make_item(milestones=[("试运行", "2026-11-20"), ("推开", "2026-12-10")])
    services.post_update(kangding, clerk, text="方案已定", now=at("2026-11-10 10:00"))
    services.post_update(
        kangding,
        clerk,
        text="试运行办结46件",
        milestone=kangding.milestones.get(title="试运行"),
        now=at("2026-11-18 16:00"),
    )
    luding = make_item(
        title="跨省通办扩面",
        kind="cross_region",
        region="513322",
        department=luding_centre,
        user=prefecture_supervisor,
        milestones=[("确定清单", "2026-11-13")],
    )
    services.escalate_late(at("2026-11-16 09:00"))
    return kangding, luding


def word_text(content: bytes) -> tuple[list[str], str, list[str]]:
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    body = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return headings, body, cells


def test_the_weekly_report_lists_what_moved_and_what_is_late(november):
    _kangding, luding = november
    content = reports.render_report(
        WEEK, Region.objects.get(code="513300"), "docx", now=at("2026-11-23 09:00")
    )
    headings, body, cells = word_text(content)
    assert any(h.endswith("、重点工作推进情况") for h in headings)
    assert "本期进展" in headings and "逾期事项" in headings
    assert "本期重点工作报送进展1条、完成节点1个、完成事项0项；截至期末逾期事项1项。" in body
    assert "试运行办结46件（完成节点“试运行”）" in cells
    assert "方案已定" not in cells  # the week before
    assert f"{luding.number} 跨省通办扩面" in cells and "确定清单（2026-11-13）" in cells
    assert "年度推进情况" not in body


def test_a_county_report_has_its_own_items_only(november):
    content = reports.render_report(
        WEEK, Region.objects.get(code="513301"), "docx", now=at("2026-11-23 09:00")
    )
    _headings, body, cells = word_text(content)
    assert "跨省通办扩面" not in "".join(cells)
    assert "截至期末无逾期事项" in body


def test_the_monthly_report_shows_progress_per_county_and_kind(november):
    month = containing("month", dt.date(2026, 11, 1))
    content = reports.render_report(
        month, Region.objects.get(code="513300"), "docx", now=at("2026-12-01 09:00")
    )
    _headings, body, cells = word_text(content)
    assert "2026年度推进情况" in body
    assert "康定市" in cells and "泸定县" in cells
    assert "1/2（50%）" in cells and "0/1（0%）" in cells
    assert "“一件事”落地" in cells and "跨省通办扩面" in cells


def test_the_workbook_lists_the_items(november):
    content = reports.render_report(
        WEEK, Region.objects.get(code="513300"), "xlsx", now=at("2026-11-23 09:00")
    )
    rows = list(
        load_workbook(io.BytesIO(content))["重点工作"].iter_rows(min_row=3, values_only=True)
    )
    assert {r[2] for r in rows} == {"新生儿出生一件事", "跨省通办扩面"}
    late = {r[2]: r[14] for r in rows}
    assert late["跨省通办扩面"] == "是"


def test_moved_rows_do_not_repeat_a_milestone_reached_with_an_update(november):
    start, end = WEEK.instants()
    moved = selectors.moved_in(Region.objects.get(code="513301"), start, end)
    assert len(report_sections.moved_rows(moved)) == 1
