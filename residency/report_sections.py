"""The engineers' assessments in the period reports: a Word section (驻场人员
考核) and two sheets (驻场考核, 复核期限). Text is Chinese, the contract's
language; each function takes the report's `reporting.selectors.Figures`."""

import datetime as dt

from reporting.sections import Section
from reporting.xlsx_layout import Column
from residency import rules, selectors
from residency.models import DeadlineStatus

DEADLINE_WORDS = {
    DeadlineStatus.OPEN: "期限内，待复核",
    DeadlineStatus.CLEARED: "期限内复核通过",
    DeadlineStatus.FAILED_AGAIN: "期限内复核仍未通过",
    DeadlineStatus.MISSED: "逾期未复核通过",
}
ASSESSMENT_HEADERS = ["考核日期", "驻场人员", "考核人", "合同年度", "总分", "合格分", "结论"]
ASSESSMENT_SHARES = [2.2, 2.4, 2.2, 1.8, 1.4, 1.4, 1.6]
DEADLINE_HEADERS = ["驻场人员", "未通过日期", "复核期限", "情况", "复核日期"]
DEADLINE_SHARES = [2.6, 2.4, 2.4, 3.4, 2.4]


def verdict(assessment) -> str:
    return "通过" if assessment.passed else "未通过"


def total_text(assessment) -> str:
    return "—" if assessment.total is None else f"{assessment.total}"


def _parts(figures):
    region, period = figures.filters.region, figures.filters.period
    start, end = period.start, period.covered_end
    return (
        list(selectors.assessments_in(region, start, end)),
        list(selectors.deadlines_in(region, start, end)),
        list(selectors.flags_in(region, start, end)),
        selectors.standings(selectors.engineers_in(region).filter(active=True), now=figures.now),
    )


def summary(assessments, deadlines, flags, standings) -> str:
    passed = sum(1 for a in assessments if a.passed)
    text = (
        f"本期考核驻场人员{len(assessments)}人次，通过{passed}人次，"
        f"未通过{len(assessments) - passed}人次。"
        if assessments
        else "本期未进行驻场人员考核。"
    )
    running = [d for d in deadlines if d.status == DeadlineStatus.OPEN]
    missed = [d for d in deadlines if d.status == DeadlineStatus.MISSED]
    if running or missed:
        text += f"未通过考核后7日内复核的期限：进行中{len(running)}项，逾期{len(missed)}项。"
    for flag in flags:
        text += f"{flag.engineer}连续{_count(flag)}次考核未通过，按合同约定可作为解除合同的依据。"
    without = [s for s in standings if s.on_duty_without_pass]
    if without:
        names = "、".join(str(s.engineer) for s in without)
        text += f"在岗但最近一次考核未通过或未经考核的驻场人员：{names}。"
    return text


def _count(flag) -> int:
    verdicts = list(
        flag.engineer.assessments.filter(assessed_on__lte=flag.assessment.assessed_on)
        .order_by("assessed_on", "recorded_at", "id")
        .values_list("passed", flat=True)
    )
    return rules.trailing_failures(verdicts)


def _assessment_row(a) -> list[str]:
    return [
        f"{a.assessed_on:%Y-%m-%d}",
        str(a.engineer),
        a.assessor.display_name(),
        str(a.contract_year),
        total_text(a),
        f"{a.pass_mark}",
        verdict(a),
    ]


def _deadline_row(d) -> list:
    closed = d.closed_by.assessed_on if d.closed_by_id else None
    return [
        str(d.engineer),
        d.failed.assessed_on,
        d.due_on,
        DEADLINE_WORDS[DeadlineStatus(d.status)],
        closed,
    ]


def _text_row(row) -> list[str]:
    return [f"{v:%Y-%m-%d}" if isinstance(v, dt.date) else (v or "—") for v in row]


def word(report, figures) -> None:
    assessments, deadlines, flags, standings = _parts(figures)
    report.paragraph(summary(assessments, deadlines, flags, standings))
    report.table(ASSESSMENT_HEADERS, [_assessment_row(a) for a in assessments], ASSESSMENT_SHARES)
    if deadlines:
        report.paragraph("未通过考核后的复核期限（7个自然日）：")
        report.table(
            DEADLINE_HEADERS, [_text_row(_deadline_row(d)) for d in deadlines], DEADLINE_SHARES
        )


def workbook(book, figures) -> None:
    assessments, deadlines, _flags, _standings = _parts(figures)
    book.sheet(
        "驻场考核",
        [
            Column("考核日期", "date"),
            Column("驻场人员"),
            Column("驻场地点"),
            Column("考核人"),
            Column("合同年度", "int"),
            Column("数据期间"),
            Column("考核项目"),
            Column("权重", "int"),
            Column("数据"),
            Column("得分", "number"),
            Column("总分", "number"),
            Column("合格分", "number"),
            Column("结论"),
        ],
        (
            [
                a.assessed_on,
                str(a.engineer),
                a.engineer.post.name,
                a.assessor.display_name(),
                a.contract_year,
                f"{a.period_from:%Y-%m-%d}至{a.period_to:%Y-%m-%d}",
                s.name,
                s.weight,
                s.measured or "考核人评分",
                None if s.score is None else float(s.score),
                None if a.total is None else float(a.total),
                float(a.pass_mark),
                verdict(a),
            ]
            for a in assessments
            for s in a.scores.all()
        ),
    )
    book.sheet(
        "复核期限",
        [
            Column("驻场人员"),
            Column("未通过日期", "date"),
            Column("复核期限", "date"),
            Column("情况"),
            Column("复核日期", "date"),
        ],
        (_deadline_row(d) for d in deadlines),
    )


SECTION = Section("residency", "驻场人员考核", 1100, word=word, workbook=workbook)
