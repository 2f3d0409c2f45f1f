"""The Word and Excel reports: what a service centre would file."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.periods import containing
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2025, 11, 12))
NOW = at("2025-11-20 12:00")
HEADINGS = [
    "一、总体情况",
    "二、弱项短板分析",
    "三、整改台账",
    "四、工单量与趋势",
    "五、响应与解决时效",
    "六、超时与升级",
    "七、积压与超期",
    "八、应急事件与故障处理记录",
    "九、满意度与差评回访",
    "十、高发问题与改进建议",
    "十一、运维人员工作情况",
    "十二、培训情况",
    "十三、培训成果考核",
    "十四、驻场人员考核",
    "十五、巡检与抽检",
    "十六、重点工作推进情况",
    "附录：超期工单清单",
]


def docx_of(code="513300"):
    content = services.render_report(WEEK, Region.objects.get(code=code), "docx", now=NOW)
    return Document(io.BytesIO(content))


def cells(document):
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def text(document):
    return "\n".join(p.text for p in document.paragraphs)


def test_the_word_report_has_its_sections_tables_and_charts(week):
    document = docx_of()
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS
    assert document.paragraphs[6].text == "甘孜藏族自治州政务服务平台运维周报"
    assert "报告期：2025年第46周（2025-11-10至2025-11-16）" in text(document)
    assert len(document.inline_shapes) == 3  # trend, counties, satisfaction
    assert len(document.tables) >= 10
    body = text(document)
    # The desk began on 11-05, inside the previous week: no comparison with it.
    assert "服务台自2025年11月05日起受理工单，上期（2025-11-03至2025-11-09）数据不完整" in body
    assert "本期共受理工单4件，无可比数据；解决工单3件。" in body
    assert "SLA达标率66.7%" in body
    assert "本期超时1次" in body and "超期工单2件" in body
    assert "差评1条" in body
    table_text = cells(document)
    assert "#{} F 平台宕机".format(week["F"].pk) in table_text  # emergencies
    assert "2.0小时" in table_text  # its duration
    # The appendix lists the overdue tickets.
    assert f"#{week['E'].pk} 旧积压工单" in table_text
    assert f"#{week['B'].pk} B 印章无法认领" in table_text


def test_a_county_report_holds_only_that_county(week):
    table_text = " ".join(cells(docx_of("513322")))
    assert "F 平台宕机" in table_text
    assert "旧积压工单" not in table_text and "B 印章" not in table_text
    assert "本期共受理工单2件" in text(docx_of("513322"))


def test_the_excel_report_has_the_raw_tables(week):
    content = services.render_report(WEEK, Region.objects.get(code="513300"), "xlsx", now=NOW)
    book = load_workbook(io.BytesIO(content))
    assert {"总体", "趋势", "县市", "时效", "超期", "应急", "满意度", "运维人员"} <= set(
        book.sheetnames
    )
    overview = {row[0]: row[1] for row in book["总体"].iter_rows(min_row=3, values_only=True)}
    assert overview["受理工单（件）"] == 4 and overview["超时次数"] == 1
    counties = {r[0]: r[2] for r in book["县市"].iter_rows(min_row=3, values_only=True)}
    assert len(counties) == 18  # every county, those without tickets too
    assert {code: n for code, n in counties.items() if n} == {"513301": 2, "513322": 2}
    assert book["超期"].max_row == 4  # title, header and two tickets


def test_the_command_writes_a_report(week, tmp_path):
    out = tmp_path / "week.docx"
    call_command(
        "sla_report", "--period", "week", "--date", "2025-11-12", "--region", "513301",
        "--format", "docx", "--out", str(out),
    )  # fmt: skip
    document = Document(str(out))
    assert "本期共受理工单2件" in text(document)


@pytest.mark.parametrize(
    "args",
    [
        ["--period", "week", "--date", "2025-13-01", "--format", "docx"],
        ["--period", "week", "--date", "2025-11-12", "--region", "999999", "--format", "docx"],
        ["--period", "decade", "--date", "2025-11-12", "--format", "docx"],
        ["--period", "week", "--date", "2025-11-12", "--format", "pdf"],
    ],
)
def test_the_command_refuses_bad_arguments(db, tmp_path, args):
    with pytest.raises(CommandError) as error:
        call_command("sla_report", *args, "--out", str(tmp_path / "x"))
    assert "Error" in str(error.value) or "not" in str(error.value) or "no such" in str(error.value)


def test_the_command_exits_with_status_2_on_a_bad_date(db, tmp_path, capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(
            ["manage.py", "sla_report", "--period", "week", "--date", "x", "--format", "docx",
             "--out", str(tmp_path / "x")]
        )  # fmt: skip
    assert exit_.value.code == 2
    assert "not a date" in capsys.readouterr().err
