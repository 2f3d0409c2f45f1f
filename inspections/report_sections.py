"""Inspections in the period reports: a Word section (巡检与抽检) and two
sheets (巡检记录, 超期件抽检). Text is Chinese, the contract's language; each
function takes the report's `reporting.selectors.Figures`.

The 超期件 per county also feed the weak-spot analysis (弱项短板分析): the
reports read a weak county's latest count through selectors.latest_overdue."""

from django.utils import timezone

from inspections import selectors
from inspections.models import RunStatus
from reporting.sections import Section
from reporting.xlsx_layout import Column

RUN_HEADERS = ["巡检计划", "子系统", "应巡检", "按时完成", "逾期补录", "漏检", "待巡检"]
RUN_SHARES = [3.2, 2.6, 1.3, 1.4, 1.4, 1.1, 1.3]
FINDING_HEADERS = ["日期", "子系统", "检查项", "结果", "工单"]
FINDING_SHARES = [1.8, 2.2, 2.8, 3.4, 2.0]
COUNTY_HEADERS = ["县（市）", "抽检次数", "最近一次", "期内最高", "期内平均"]
COUNTY_SHARES = [2.4, 1.6, 1.6, 1.6, 1.6]


def _parts(figures):
    region, period = figures.filters.region, figures.filters.period
    start, end = period.start, period.covered_end
    return (
        list(selectors.runs_in(region, start, end)),
        list(selectors.findings_in(region, start, end)),
        selectors.county_overdue(region, start, end),
    )


def _by_plan(runs) -> list[list]:
    plans: dict = {}
    for run in runs:
        row = plans.setdefault(run.plan_id, [run.plan.name, run.plan.subsystem.name, 0, 0, 0, 0, 0])
        row[2] += 1
        if run.status == RunStatus.DONE:
            row[4 if run.late else 3] += 1
        elif run.status == RunStatus.MISSED:
            row[5] += 1
        else:
            row[6] += 1
    return list(plans.values())


def ticket_text(answer) -> str:
    if answer.ticket_id is None:
        return "—"
    return f"#{answer.ticket_id}{'（新建）' if answer.opened_ticket else '（并入）'}"


def summary(runs, findings) -> str:
    if not runs:
        return "本期无应开展的巡检。"
    done = [r for r in runs if r.status == RunStatus.DONE]
    late = [r for r in done if r.late]
    missed = [r for r in runs if r.status == RunStatus.MISSED]
    pending = len(runs) - len(done) - len(missed)
    opened = {a.ticket_id for a in findings if a.opened_ticket and a.ticket_id}
    joined = {a.ticket_id for a in findings if not a.opened_ticket and a.ticket_id}
    text = (
        f"本期应巡检{len(runs)}次，按时完成{len(done) - len(late)}次，逾期补录{len(late)}次，"
        f"漏检{len(missed)}次"
    )
    text += f"，尚待巡检{pending}次。" if pending else "。"
    if findings:
        text += f"发现异常{len(findings)}项，新建工单{len(opened)}张"
        text += f"，并入已有未结工单{len(joined - opened)}张。" if joined - opened else "。"
    else:
        text += "未发现异常。"
    return text


def _number(value) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def county_rows(counties) -> list[list[str]]:
    return [
        [
            c.county.name,
            str(c.checks),
            _number(c.latest),
            _number(c.highest),
            "—" if c.average is None else f"{c.average:.1f}",
        ]
        for c in counties
    ]


def word(report, figures) -> None:
    runs, findings, counties = _parts(figures)
    report.paragraph(summary(runs, findings))
    report.table(RUN_HEADERS, [[str(v) for v in row] for row in _by_plan(runs)], RUN_SHARES)
    if findings:
        report.paragraph("异常发现：", keep_with_next=True)
        report.table(
            FINDING_HEADERS,
            [
                [
                    f"{a.run.due_on:%Y-%m-%d}",
                    a.run.plan.subsystem.name,
                    a.item.name,
                    a.shown() or "异常",
                    ticket_text(a),
                ]
                for a in findings
            ],
            FINDING_SHARES,
        )
    if any(c.checks for c in counties):
        report.paragraph("综合受办平台超期件抽检（各县市）：", keep_with_next=True)
        report.table(COUNTY_HEADERS, county_rows(counties), COUNTY_SHARES)


def workbook(book, figures) -> None:
    runs, findings, counties = _parts(figures)
    book.sheet(
        "巡检记录",
        [
            Column("应巡检日期", "date"),
            Column("巡检计划"),
            Column("子系统"),
            Column("运维人员"),
            Column("状态"),
            Column("逾期", "bool"),
            Column("记录时间", "datetime"),
            Column("异常项", "int"),
        ],
        (
            [
                r.due_on,
                r.plan.name,
                r.plan.subsystem.name,
                r.operator.display_name(),
                r.get_status_display(),
                r.late,
                timezone.localtime(r.done_at) if r.done_at else None,
                sum(1 for a in findings if a.run_id == r.pk),
            ]
            for r in runs
        ),
    )
    book.sheet(
        "超期件抽检",
        [
            Column("县（市）"),
            Column("抽检次数", "int"),
            Column("最近一次", "int"),
            Column("期内最高", "int"),
            Column("期内平均", "number"),
        ],
        ([c.county.name, c.checks, c.latest, c.highest, c.average] for c in counties if c.checks),
    )


SECTION = Section(
    "inspections",
    "巡检与抽检",
    1150,
    word=word,
    workbook=workbook,
    dashboard_template="inspections/dashboard_card.html",
)
