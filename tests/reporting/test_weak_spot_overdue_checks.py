"""A weak county's 超期件 at its latest spot check (inspections) is evidence
in the weak-spot part of the report, in Excel and on the dashboard."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from inspections import selectors as inspection_selectors
from inspections.models import Answer, AnswerKind, CountyCount, Item, Plan, Run, RunStatus
from reporting import services as reports
from tests.factories import DepartmentFactory, OperatorFactory, get_subsystem, supervisor
from tests.reporting.test_documents import docx_of, text
from tests.reporting.test_honest_reports import NOW, WEEK, small_sample  # noqa: F401
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


def spot_check(plan, item, day, counts):
    run = Run.objects.create(
        plan=plan,
        period_start=day,
        due_on=day,
        operator=plan.operator,
        status=RunStatus.DONE,
        done_at=at(f"{day:%Y-%m-%d} 10:00"),
    )
    answer = Answer.objects.create(run=run, item=item)
    for code, n in counts.items():
        CountyCount.objects.create(answer=answer, county_id=code, count=n)


@pytest.fixture
def checks(db):
    """康定: 9 超期件 on 11-03, 4 on 11-10; a check after the week (11-17) says 0."""
    plan = Plan.objects.create(
        created_by=supervisor("513300", username="gz_checks"),
        name="综合受办超期件抽检",
        subsystem=get_subsystem("case_handling"),
        department=DepartmentFactory(region=Region.objects.get(code="513300")),
        operator=OperatorFactory(),
        frequency="weekly",
        starts_on=dt.date(2025, 11, 3),
    )
    item = Item.objects.create(plan=plan, name="各县超期件数", kind=AnswerKind.COUNTY_NUMBERS)
    spot_check(plan, item, dt.date(2025, 11, 3), {"513301": 9, "513322": 5})
    spot_check(plan, item, dt.date(2025, 11, 10), {"513301": 4, "513322": 6})
    spot_check(plan, item, dt.date(2025, 11, 17), {"513301": 0})


def test_the_latest_check_before_a_day_is_the_one_read(checks):
    found = inspection_selectors.latest_overdue(
        ["513301", "513322", "513334"], dt.date(2025, 11, 17)
    )
    assert (found["513301"].count, found["513301"].checked_on) == (4, dt.date(2025, 11, 10))
    assert found["513322"].count == 6
    assert "513334" not in found  # never checked: nothing said


def test_a_weak_county_is_named_with_its_overdue_cases(week, small_sample, checks, client, now):  # noqa: F811
    body = text(docx_of())
    assert "县（市）“康定市”" in body
    assert "综合受办平台超期件抽检：最近一次（2025-11-10）超期件4件。" in body
    # 泸定 met its targets: not weak, so its 超期件 are not set beside it.
    assert "最近一次（2025-11-10）超期件6件" not in body
    book = load_workbook(
        io.BytesIO(reports.render_report(WEEK, Region.objects.get(code="513300"), "xlsx", now=NOW))
    )
    sheet = book["弱项短板"].iter_rows(values_only=True)
    assert any("康定市" in row and "超期件4件" in str(row) for row in sheet)
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    page = client.get(
        reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"}
    ).content.decode()
    assert 'data-overdue-check="513301"' in page
    assert "最近一次超期件抽检（2025-11-10）：4件" in page
