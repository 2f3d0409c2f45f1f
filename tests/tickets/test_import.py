"""manage.py import_tickets: historical resolved tickets into the desk."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from helpdesk.models import Ticket

from bench.eval_data import eval_file
from helpdesk_site.notices.models import Notice
from helpdesk_site.outbox.models import Message
from helpdesk_site.people.models import Role
from helpdesk_site.tickets import importing, importing_services, scope
from helpdesk_site.tickets.importing import SHANGHAI
from helpdesk_site.tickets.models import Category, TicketDetails
from kb.models import TicketText
from kb.search import search_tickets
from sla import services as sla
from sla.models import ClockKind, LogKind
from tests.factories import DepartmentFactory, UserFactory, get_subsystem, region

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
REAL_FILE = eval_file("tickets.jsonl")


def row(ref, **overrides):
    return {
        "id": ref,
        "title": "幼儿园学位申请咨询",
        "text": "孩子今年满三岁，想了解公办幼儿园学位怎么申请。",
        "created_at": "2019/4/24 15:40:04",
        "resolution": "请于每年五月登录教育局网站报名，按片区分配学位。",
        "resolved_at": "2019/5/9 9:49:14",
        **overrides,
    }


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def run(*args, **options):
    """The command's exit status and what it printed."""
    out, err = [], []

    class Sink:
        def __init__(self, lines):
            self.lines = lines

        def write(self, text):
            self.lines.append(text)

        def flush(self):
            pass

    try:
        call_command("import_tickets", *args, stdout=Sink(out), stderr=Sink(err), **options)
        status = 0
    except CommandError as error:
        err.append(str(error))
        status = error.returncode
    return status, "".join(out), "".join(err)


@pytest.fixture
def kangding():
    get_subsystem("case_handling")
    return DepartmentFactory(name="康定市政务服务中心", region=region("513301"))


def test_imported_tickets_are_closed_with_the_files_times(tmp_path, kangding):
    path = write_jsonl(tmp_path / "history.jsonl", [row("2555"), row("2556", title="噪音扰民")])
    status, out, _err = run(str(path), department="康定市政务服务中心")
    assert status == 0 and "已导入：2" in out

    details = TicketDetails.objects.select_related("ticket", "reporter").get(external_ref="2555")
    ticket = details.ticket
    created = dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)
    resolved = dt.datetime(2019, 5, 9, 9, 49, 14, tzinfo=SHANGHAI)
    assert ticket.status == Ticket.CLOSED_STATUS
    assert (ticket.created, ticket.modified) == (created, resolved)
    assert ticket.resolution == row("2555")["resolution"]
    assert ticket.queue == get_subsystem("case_handling").queue
    assert details.category == Category.CONSULTATION
    assert (details.department, details.region_id) == (kangding, "513301")
    opened, closing = ticket.followup_set.order_by("date")
    assert (opened.date, opened.comment) == (created, ticket.description)
    assert (closing.date, closing.comment, closing.new_status) == (
        resolved,
        ticket.resolution,
        Ticket.CLOSED_STATUS,
    )
    # Filed by the department's inactive import account, which nobody can sign in as.
    reporter = details.reporter
    assert reporter.last_name == "历史导入" and reporter.department == kangding
    assert not reporter.is_active and not reporter.has_usable_password()
    assert TicketDetails.objects.filter(reporter=reporter).count() == 2


def test_clocks_and_log_stop_at_the_resolution_not_at_the_import(tmp_path, kangding):
    path = write_jsonl(tmp_path / "history.jsonl", [row("2555")])
    run(str(path), department=kangding.pk, category="fault")
    ticket = TicketDetails.objects.get(external_ref="2555").ticket
    created = dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)
    resolved = dt.datetime(2019, 5, 9, 9, 49, 14, tzinfo=SHANGHAI)
    clocks = {c.kind: c for c in ticket.sla_clocks.all()}
    assert set(clocks) == {ClockKind.RESPONSE, ClockKind.RESOLUTION}
    for clock in clocks.values():
        assert (clock.started_at, clock.stopped_at) == (created, resolved)
        assert clock.next_escalation_at is None
        # Two weeks of working time, not seven years up to today.
        assert 0 < clock.consumed_seconds < 15 * 24 * 3600
    # Fifteen days over a four-day target: a breach, dated when it fell due back then.
    assert clocks[ClockKind.RESOLUTION].breached_at < resolved
    log = list(ticket.handling_log.order_by("at", "id").values_list("kind", "at"))
    assert log == [
        (LogKind.FILED, created),
        (LogKind.FIRST_RESPONSE, resolved),
        (LogKind.RESOLVED, resolved),
    ]
    resolved_entry = ticket.handling_log.get(kind=LogKind.RESOLVED)
    assert resolved_entry.data == {"root_cause_missing": True}


def test_history_escalates_nothing_and_tells_nobody(tmp_path, kangding):
    path = write_jsonl(tmp_path / "history.jsonl", [row(str(n)) for n in range(5)])
    mail.outbox.clear()
    run(str(path), department=kangding.name, category="emergency")
    assert Ticket.objects.count() == 5
    assert sla.sweep(now=timezone.now()) == 0
    assert mail.outbox == []
    assert not Message.objects.exists()
    assert not Notice.objects.exists()
    assert not Ticket.objects.filter(handling_log__kind=LogKind.ESCALATED).exists()
    # An emergency's incident record opens and closes at the file's times.
    incident = Ticket.objects.first().incident
    assert incident.ended_at == dt.datetime(2019, 5, 9, 9, 49, 14, tzinfo=SHANGHAI)


def test_imported_tickets_are_searchable_within_the_scope(tmp_path, kangding):
    path = write_jsonl(tmp_path / "history.jsonl", [row("2555")])
    run(str(path), department=kangding.pk)
    ticket = Ticket.objects.get()
    assert TicketText.objects.filter(ticket=ticket, title_segmented__contains="幼儿园").exists()

    colleague = UserFactory(department=kangding)
    elsewhere = UserFactory(department=DepartmentFactory(region=region("513322")))
    supervisor = UserFactory(role=Role.SUPERVISOR, department=None, supervised_region_id="513301")
    other_supervisor = UserFactory(
        role=Role.SUPERVISOR, department=None, supervised_region_id="513322"
    )
    assert list(scope.visible_tickets(colleague)) == [ticket]
    assert not scope.visible_tickets(elsewhere).exists()
    assert [hit.id for hit in search_tickets("幼儿园 学位", user=supervisor)] == [ticket.pk]
    assert search_tickets("幼儿园 学位", user=other_supervisor) == []


def test_rerunning_imports_nothing_twice(tmp_path, kangding):
    path = write_jsonl(tmp_path / "history.jsonl", [row("2555"), row("2556")])
    assert run(str(path), department=kangding.pk)[0] == 0
    write_jsonl(path, [row("2555"), row("2556"), row("2557")])
    status, out, _err = run(str(path), department=kangding.pk, json=True)
    summary = json.loads(out)
    assert status == 0
    assert (summary["imported"], summary["already_present"], summary["failed"]) == (1, 2, 0)
    assert Ticket.objects.count() == 3


def test_bad_rows_are_reported_in_chinese_and_the_good_ones_imported(tmp_path, kangding):
    path = write_jsonl(
        tmp_path / "history.jsonl",
        [
            row("1"),
            row("2", resolved_at="2019/4/1 8:00:00"),
            row("3", department="不存在的部门"),
            row("4", text="x\x00y"),
        ],
    )
    status, out, err = run(str(path), department=kangding.pk)
    assert status == 1
    assert "第 2 行，解决时间：解决时间（2019/4/1 8:00:00）早于创建时间" in err
    assert "第 3 行，单位/部门：找不到单位/部门：“不存在的部门”" in err
    assert "第 4 行，内容：含有控制字符（U+0000）" in err
    assert "已导入：1" in out and "失败：3" in out
    assert list(TicketDetails.objects.values_list("external_ref", flat=True)) == ["1"]


def test_all_or_nothing_and_dry_run_store_nothing(tmp_path, kangding):
    path = write_jsonl(tmp_path / "history.jsonl", [row("1"), row("2", created_at="明天")])
    status, out, _err = run(str(path), department=kangding.pk, all_or_nothing=True)
    assert status == 1 and "未写入任何数据：将导入 1 行" in out
    path = write_jsonl(path, [row("1"), row("2")])
    status, out, _err = run(str(path), department=kangding.pk, dry_run=True)
    assert status == 0 and "将导入 2 行" in out
    assert not Ticket.objects.exists()
    assert not TicketDetails.objects.filter(reporter__username__startswith="history").exists()


def test_department_and_region_come_from_the_row_or_the_defaults(tmp_path, kangding):
    luding = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    DepartmentFactory(name="康定市政务服务中心", region=region("513322"))  # same name elsewhere
    path = write_jsonl(
        tmp_path / "history.jsonl",
        [
            row("1"),
            row("2", region="泸定县"),
            row("3", department="康定市政务服务中心", region="513301"),
            row("4", department="康定市政务服务中心"),
            row("5", subsystem="电子证照管理系统", category="日常故障处理"),
        ],
    )
    status, _out, err = run(str(path), region="513322", department=luding.pk)
    assert status == 1 and "第 4 行，单位/部门：“康定市政务服务中心”对应 2 个单位/部门" in err
    placed = dict(TicketDetails.objects.values_list("external_ref", "department"))
    assert placed == {"1": luding.pk, "2": luding.pk, "3": kangding.pk, "5": luding.pk}
    fifth = TicketDetails.objects.get(external_ref="5")
    assert (fifth.subsystem.code, fifth.category) == ("e_license", Category.FAULT)


def test_csv_in_gb18030_and_xlsx(tmp_path, kangding):
    csv_path = tmp_path / "热线.csv"
    csv_path.write_bytes(
        "工单编号,标题,问题描述,来电时间,处理结果,办结时间,承办部门\r\n"
        "H-1,夜间噪音扰民,工地夜间施工,2019-04-24 22:10,已责令停工,2019-04-26 10:00,"
        "康定市政务服务中心\r\n".encode("gb18030")
    )
    assert run(str(csv_path))[0] == 0
    book = openpyxl.Workbook()
    book.active.append(["编号", "标题", "内容", "创建时间", "答复", "答复时间"])
    book.active.append(
        [77, "户口迁移", "户口如何迁入", dt.datetime(2018, 3, 1, 9), "带身份证办理", "2018/3/2"]
    )
    book.save(tmp_path / "desk.xlsx")
    assert run(str(tmp_path / "desk.xlsx"), region="513301")[0] == 0
    assert dict(TicketDetails.objects.values_list("external_ref", "ticket__title")) == {
        "H-1": "夜间噪音扰民",
        "77": "户口迁移",
    }
    assert Ticket.objects.get(title="户口迁移").created == dt.datetime(
        2018, 3, 1, 9, tzinfo=SHANGHAI
    )


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (["nowhere.jsonl"], {}, "无法读取文件"),
        (["export.xls"], {}, "无法从“.xls”判断文件格式"),
        (["broken.xlsx"], {}, "无法读取的 .xlsx 工作簿"),
        (["history.jsonl"], {"department": "没有这个部门"}, "--department: 找不到单位/部门"),
        (["history.jsonl"], {"subsystem": "nope"}, "--subsystem: 找不到所属系统"),
    ],
)
def test_unusable_files_and_options_exit_with_status_2(tmp_path, kangding, args, options, message):
    (tmp_path / "export.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    write_jsonl(tmp_path / "history.jsonl", [row("1")])
    status, _out, err = run(*(str(tmp_path / a) for a in args), **options)
    assert status == 2 and message in err
    assert not Ticket.objects.exists()


def test_from_the_shell_bad_arguments_exit_2_without_a_traceback(tmp_path):
    write_jsonl(tmp_path / "history.jsonl", [row("1")])
    for args in (["--priority", "9", str(tmp_path / "history.jsonl")], [str(tmp_path / "x.doc")]):
        done = subprocess.run(
            [sys.executable, "manage.py", "import_tickets", "--skip-checks", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.strip()


@pytest.mark.skipif(not REAL_FILE.exists(), reason="the shared evaluation data is not here")
def test_the_real_export_imports_whole_and_once():
    get_subsystem("case_handling")
    DepartmentFactory(name="甘孜州政务服务和公共资源交易中心", region=region("513300"))
    status, out, err = run(str(REAL_FILE), region="513300", json=True)
    summary = json.loads(out)
    assert status == 0, err
    assert (summary["imported"], summary["failed"]) == (1900, 0)
    assert summary["ignored_columns"] == ["source"]
    sample = TicketDetails.objects.select_related("ticket").get(external_ref="2555")
    assert sample.ticket.title == "请加快提高A市民营幼儿园老师的待遇"
    assert sample.ticket.created == dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)
    resolution = sample.ticket.sla_clocks.get(kind=ClockKind.RESOLUTION)
    assert resolution.stopped_at == dt.datetime(2019, 5, 9, 9, 49, 14, tzinfo=SHANGHAI)
    assert TicketText.objects.count() == 1900
    assert not Message.objects.exists()
    status, out, _err = run(str(REAL_FILE), region="513300", json=True)
    assert json.loads(out)["already_present"] == 1900 and Ticket.objects.count() == 1900


def test_rows_imported_meanwhile_by_someone_else_are_skipped_not_doubled(tmp_path, kangding):
    path = write_jsonl(tmp_path / "history.jsonl", [row("1"), row("2"), row("3")])
    parsed = importing.parse_file(path)
    plan = importing_services.plan_import(
        parsed.tickets, parsed.errors, importing_services.Defaults(department=str(kangding.pk))
    )
    write_jsonl(tmp_path / "other.jsonl", [row("2")])
    assert run(str(tmp_path / "other.jsonl"), department=kangding.pk)[0] == 0

    result = importing_services.run_import(plan)
    assert result.summary() == {"imported": 2, "already_present": 1, "failed": 0}
    assert sorted(TicketDetails.objects.values_list("external_ref", flat=True)) == ["1", "2", "3"]
