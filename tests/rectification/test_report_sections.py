"""The ledger in the period reports: last period's items and whether they
were done, this period's proposals, the Excel sheet, the dashboard."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from rectification import report_sections, services
from reporting import services as reports
from reporting import weakspots
from reporting.periods import containing
from reporting.selectors import Filters
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2025, 11, 12))  # 11-10 … 11-16
NOW = at("2025-11-20 12:00")


@pytest.fixture
def ledger(kangding_supervisor, luding_supervisor, kangding_centre, luding_centre, make_item):
    """Last week (11-03 … 11-09): 康定's item done in time, 泸定's item past
    its deadline (done only after this week's end); an older 康定 item
    still open; one item of this week."""
    previous = dt.date(2025, 11, 5)
    done = make_item(
        kangding_supervisor, kangding_centre, created="2025-11-07 10:00", days=2, day=previous
    )
    services.complete(done, kangding_supervisor, note="已调整值守排班", now=at("2025-11-10 16:00"))
    late = make_item(
        luding_supervisor,
        luding_centre,
        created="2025-11-07 11:00",
        days=2,
        day=previous,
        code="513322",
    )
    services.complete(late, luding_supervisor, note="补做", now=at("2025-11-18 09:00"))
    older = make_item(
        kangding_supervisor,
        kangding_centre,
        created="2025-10-30 10:00",
        days=20,
        day=dt.date(2025, 10, 29),
    )
    current = make_item(
        kangding_supervisor, kangding_centre, created="2025-11-12 10:00", day=dt.date(2025, 11, 12)
    )
    return {"done": done, "late": late, "older": older, "current": current}


def word(code):
    content = reports.render_report(WEEK, Region.objects.get(code=code), "docx", now=NOW)
    return Document(io.BytesIO(content))


def cells(document):
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def test_the_word_report_says_how_last_periods_items_ended(ledger):
    document = word("513300")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    at_ledger = headings.index("三、整改台账")
    assert headings[at_ledger + 1 : at_ledger + 3] == ["上期整改事项及完成情况", "本期整改建议"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert (
        "上期列入整改台账2项，其中按期完成1项、已逾期1项；另有往期尚未完成的整改事项1项。"
        "完成情况截至2025年11月16日。" in body
    )
    table = cells(document)
    done, late, older = ledger["done"], ledger["late"], ledger["older"]
    row_of = {number: table[table.index(number) + 4] for number in (done.number, late.number)}
    # Done on 11-10, in time; 泸定's was done only on 11-18, after this week.
    assert row_of == {done.number: "按期完成", late.number: "已逾期"}
    assert "已调整值守排班" in table
    assert f"{older.number}（往期）" in table
    assert "本期已列入整改台账1项：" in body and ledger["current"].number in table


def test_a_county_report_holds_only_its_own_items(ledger):
    table = cells(word("513301"))
    assert ledger["done"].number in table and ledger["late"].number not in table
    body = "\n".join(p.text for p in word("513322").paragraphs)
    assert "上期列入整改台账1项，其中已逾期1项。" in body


def test_the_excel_report_has_the_ledger_sheet(ledger):
    content = reports.render_report(WEEK, Region.objects.get(code="513301"), "xlsx", now=NOW)
    sheet = load_workbook(io.BytesIO(content))["整改台账"]
    title = sheet["A1"].value
    assert "康定市" in title and "2025年第46周" in title and title.endswith("· 整改台账")
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {ledger[k].number for k in ("done", "older", "current")}
    done = rows[ledger["done"].number]
    assert done[6] == "康定市政务服务中心" and done[9] == dt.datetime(2025, 11, 11)
    assert done[10] == dt.datetime(2025, 11, 11)  # never extended: the first deadline
    assert done[11] == "已完成" and done[12] == "按期完成" and done[14] == "已调整值守排班"


def test_reports_show_an_extension_and_a_withdrawal(ledger, kangding_supervisor):
    older = services.extend(
        ledger["older"],
        kangding_supervisor,
        working_days=5,
        reason="跨年度",
        now=at("2025-11-12 09:00"),
    )
    services.withdraw(
        ledger["current"], kangding_supervisor, reason="与往期事项重复", now=at("2025-11-13 09:00")
    )
    table = cells(word("513301"))
    assert f"{older.original_deadline:%Y-%m-%d}（延期至{older.deadline:%Y-%m-%d}）" in table
    assert "已撤销" in table
    content = reports.render_report(WEEK, Region.objects.get(code="513301"), "xlsx", now=NOW)
    sheet = load_workbook(io.BytesIO(content))["整改台账"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[older.number][9] != rows[older.number][10]
    assert rows[ledger["current"].number][11] == "已撤销"


def test_a_report_with_no_items_says_so(db):
    document = word("513300")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "上期未列入整改事项。" in body
    assert "无" in cells(document)


def test_proposals_leave_out_what_is_in_the_ledger(ledger, kangding_supervisor):
    county = Region.objects.get(code="513301")
    group = weakspots.Group("county", "513301", "康定市", 12, 12, 7)
    other = weakspots.Group("subsystem", "3", "电子印章管理系统", 20, 20, 12)
    figures = SimpleNamespace(
        filters=Filters(period=WEEK, region=county),
        weakest=[group, other],
        causes={},
        now=NOW,
    )
    _previous, proposals, entered = report_sections._report_parts(figures)
    assert [p.group.key for p in proposals] == ["3"]  # 康定市 is already an item this week
    assert [i.pk for i in entered] == [ledger["current"].pk]


def test_the_dashboard_links_each_weak_spot_to_the_ledger(ledger, rf):
    county = Region.objects.get(code="513301")
    figures = SimpleNamespace(filters=Filters(period=WEEK, region=county))
    template = Template("{% load rectification_tags %}{% ledger_button f g %}")
    entered = weakspots.Group("county", "513301", "康定市", 12, 12, 7)
    new = weakspots.Group("subsystem", "3", "电子印章管理系统", 20, 20, 12)
    html = template.render(Context({"f": figures, "g": entered}))
    assert reverse("rectification:detail", args=[ledger["current"].pk]) in html
    html = template.render(Context({"f": figures, "g": new}))
    assert "dimension=subsystem&amp;key=3" in html and "列入整改" in html


def test_the_dashboard_shows_last_periods_items(client, kangding_supervisor, ledger, now):
    now.set("2025-11-20 12:00")
    client.force_login(kangding_supervisor)
    page = client.get(reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "上期整改事项及完成情况" in text and "上期列入整改台账1项，其中按期完成1项" in text
    assert reverse("rectification:ledger") in text
