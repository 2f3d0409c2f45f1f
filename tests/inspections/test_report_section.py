"""The inspections section of the period reports, Word and Excel."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from inspections import services
from inspections.services import Given
from reporting import services as reports
from reporting.periods import containing
from tests.inspections.conftest import counties
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

MONTH = containing("month", dt.date(2026, 10, 1))


@pytest.fixture
def october(now, licence_plan, overdue_plan, operator):
    """Licences: 10-08 abnormal (a ticket), 10-09 late, 10-10 missed, the rest
    on time; 超期件: 理塘 12 on 10-08, 3 on 10-12."""
    licence_plan.items.filter(kind="screenshot").update(active=False)
    status, count = (licence_plan.items.get(name=n) for n in ("今日制证是否正常", "今日制证数量"))
    county = overdue_plan.items.get()
    now.set("2026-10-08 08:00")
    services.make_due_runs()

    def licences(day, when, state="normal"):
        now.set(when)
        services.make_due_runs()
        run = licence_plan.runs.get(due_on=dt.date.fromisoformat(day))
        services.record_run(
            run, operator, {status.pk: Given(choice=state), count.pk: Given(number=Decimal(4))}
        )

    def overdue(day, litang):
        run = overdue_plan.runs.get(due_on=dt.date.fromisoformat(day))
        counts = {c.code: 1 for c in counties()}
        counts["513334"] = litang
        services.record_run(run, operator, {county.pk: Given(counts=counts)})

    licences("2026-10-08", "2026-10-08 09:00", "abnormal")
    overdue("2026-10-08", 12)
    licences("2026-10-09", "2026-10-10 09:00")
    now.set("2026-10-12 09:00")
    services.make_due_runs()
    services.flag_missed()
    overdue("2026-10-12", 3)
    licences("2026-10-12", "2026-10-12 09:30")
    now.set("2026-11-02 09:00")


def test_the_word_report_has_runs_findings_and_overdue_cases_per_county(october):
    content = reports.render_report(
        MONTH, Region.objects.get(code="513300"), "docx", now=at("2026-11-02 09:00")
    )
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("、巡检与抽检") for h in headings)
    body = "\n".join(p.text for p in document.paragraphs)
    # Licences 10-08, 09, 10, 12 and the two weekly checks: 6 due, 1 late, 1 missed.
    assert "本期应巡检6次，按时完成4次，逾期补录1次，漏检1次。" in body
    assert "发现异常2项，新建工单2张。" in body
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["理塘县", "2", "3", "12", "7.5"] in rows
    assert ["康定市", "2", "1", "1", "1.0"] in rows
    assert any(r[2] == "各县超期件数" and r[4].endswith("（新建）") for r in rows if len(r) == 5)


def test_a_county_report_has_its_own_row_and_excel_the_runs(october):
    content = reports.render_report(
        MONTH, Region.objects.get(code="513334"), "xlsx", now=at("2026-11-02 09:00")
    )
    book = load_workbook(io.BytesIO(content))
    rows = list(book["超期件抽检"].iter_rows(min_row=3, values_only=True))
    assert rows == [("理塘县", 2, 3, 12, 7.5)]
    # The plans belong to the prefecture's centre, not to 理塘县.
    assert [r[0] for r in book["巡检记录"].iter_rows(min_row=3, values_only=True)] == ["无"]


def test_the_dashboard_card_counts_the_months_runs(client, october, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    page = client.get("/reports/", {"kind": "month", "date": "2026-10-01"}).content.decode()
    assert "data-inspections-card" in page
    assert "应巡检6次：按时4次，逾期补录1次，漏检1次；发现异常2项。" in page
    assert "理塘县 3" in page
