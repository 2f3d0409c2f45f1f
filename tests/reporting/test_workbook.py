"""The workbook an analyst filters and sums."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.periods import containing
from reporting.xlsx_layout import Column, Typed, WorkbookReport, excel_cell
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2025, 11, 12))
NOW = at("2025-11-20 12:00")
CJK = re.compile(r"[\u4e00-\u9fff]")


def book():
    content = services.render_report(WEEK, Region.objects.get(code="513300"), "xlsx", now=NOW)
    return load_workbook(io.BytesIO(content))


def header(sheet) -> list[str]:
    return [c.value for c in sheet[2] if c.value is not None]


def test_every_sheet_has_a_title_row_and_a_chinese_frozen_filtered_header(week):
    workbook = book()
    for sheet in workbook.worksheets:
        title = sheet["A1"].value
        assert "2025年第46周" in title and "甘孜藏族自治州" in title, sheet.title
        assert all(CJK.search(h) for h in header(sheet)), (sheet.title, header(sheet))
        assert all(c.font.bold for c in sheet[2] if c.value is not None)
        assert sheet.freeze_panes == "A3"
        assert sheet.auto_filter.ref.startswith("A2:")
        for letter in "AB":
            assert sheet.column_dimensions[letter].width >= 6


def test_the_overview_names_indicators_in_chinese_with_formats(week):
    overview = book()["总体"]
    rows = {r[0].value: r[1] for r in overview.iter_rows(min_row=3)}
    assert rows["SLA达标率"].value == pytest.approx(2 / 3)
    assert rows["SLA达标率"].number_format == "0.0%"
    assert rows["解决时间中位数（工作时 时:分）"].number_format == "[h]:mm"
    assert rows["超时工单（件）"].value == 1
    assert "filed" not in rows and "response_p50" not in rows


def test_dates_fit_their_columns_and_resolved_reads_yes_or_no(week):
    overdue = book()["超期"]
    assert header(overdue) == ["工单", "标题", "地区", "部门", "到期时间", "已解决"]
    due = overdue["E3"]
    assert due.is_date and due.number_format == "yyyy-mm-dd hh:mm"
    assert overdue.column_dimensions["E"].width >= 16  # no ###
    assert {r[5] for r in overdue.iter_rows(min_row=3, values_only=True)} == {"是", "否"}


def test_departments_and_bad_ratings_have_their_sheets(week):
    workbook = book()
    departments = workbook["通办部门"]
    assert departments["F3"].number_format == "0.0%"  # 达标率
    rows = [
        dict(zip(header(departments), r, strict=True))
        for r in departments.iter_rows(min_row=3, values_only=True)
    ]
    department = str(week["A"].details.department_id)
    kangding = next(row for row in rows if row["代码"] == department)
    assert kangding["期末积压"] == 1  # E
    assert kangding["差评"] == 1  # B
    # The median of A (240) and B (1560) working minutes: 900, read back as a duration.
    assert kangding["解决时间中位数（工作时 时:分）"] == dt.timedelta(minutes=900)
    bad = workbook["差评"]
    row = next(bad.iter_rows(min_row=3, values_only=True))
    assert row[0] == week["B"].pk
    assert row[4] == "非常不满意" and row[5] == "太慢"
    assert row[7] == "待核实" and row[9] == "否"


def test_a_sheet_writes_formats_and_guards_formulas():
    report = WorkbookReport("周报 · 2025年第46周 · 康定市")
    sheet = report.sheet(
        "测试",
        [Column("名称"), Column("时长", "minutes"), Column("比率", "percent")],
        [["=1+1", 90, Typed(5, "int")]],
    )
    assert sheet["A3"].value == "'=1+1" == excel_cell("=1+1")
    assert sheet["B3"].value == pytest.approx(90 / 1440) and sheet["B3"].number_format == "[h]:mm"
    assert sheet["C3"].value == 5 and sheet["C3"].number_format == "0"
    empty = report.sheet("空", [Column("名称")], [])
    assert empty["A3"].value == "无"
