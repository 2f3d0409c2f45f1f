"""Training assessment in the period reports: pass rates per session and per
department, in the Word report and as Excel sheets. Text is Chinese, the
contract's language; each function takes the report's
`reporting.selectors.Figures`."""

from django.utils import timezone

from quizzes import selectors
from reporting.sections import Section
from reporting.xlsx_layout import Column

SESSION_HEADERS = ["培训场次", "培训日期", "参考人数", "合格人数", "合格率", "平均成绩"]
SESSION_SHARES = [5.0, 2.2, 1.6, 1.6, 1.6, 1.6]
DEPARTMENT_HEADERS = ["单位", "参考人次", "合格人次", "合格率", "平均成绩"]
DEPARTMENT_SHARES = [6.0, 1.8, 1.8, 1.8, 1.8]


def _results(figures):
    start, end = figures.filters.period.instants()
    return selectors.results(selectors.period_attempts(figures.filters.region, start, end))


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def _date(quiz) -> str:
    return f"{timezone.localtime(quiz.session.starts_at):%Y-%m-%d}"


def summary(found, sessions) -> str:
    if not found.people:
        return "本期举办的培训无人参加成果考核。"
    passed = sum(1 for p in found.people if p.passed)
    rate = 100 * passed / len(found.people)
    return (
        f"本期{len(sessions)}期培训组织了成果考核，参考{len(found.people)}人次，"
        f"合格{passed}人次，合格率{rate:.1f}%（每人以最好一次成绩计）。"
    )


def word(report, figures) -> None:
    found = _results(figures)
    sessions = selectors.per_session(found)
    report.paragraph(summary(found, sessions))
    report.table(
        SESSION_HEADERS,
        [
            [
                str(row.quiz.session),
                _date(row.quiz),
                row.people,
                row.passed,
                _percent(row.pass_rate),
                _percent(row.average),
            ]
            for row in sessions
        ],
        SESSION_SHARES,
    )
    report.paragraph("各单位考核情况：", keep_with_next=True)
    report.table(
        DEPARTMENT_HEADERS,
        [
            [
                str(row.department or "未登记单位"),
                row.people,
                row.passed,
                _percent(row.pass_rate),
                _percent(row.average),
            ]
            for row in found.departments
        ],
        DEPARTMENT_SHARES,
    )


def _ratio(value):
    return None if value is None else float(value) / 100


def workbook(book, figures) -> None:
    found = _results(figures)
    book.sheet(
        "培训考核合格率",
        [
            Column("培训场次"),
            Column("培训日期", "date"),
            Column("参考人数", "int"),
            Column("合格人数", "int"),
            Column("合格率", "percent"),
            Column("平均成绩（分）", "number"),
        ],
        (
            [
                str(row.quiz.session),
                timezone.localtime(row.quiz.session.starts_at).date(),
                row.people,
                row.passed,
                _ratio(row.pass_rate),
                float(row.average),
            ]
            for row in selectors.per_session(found)
        ),
    )
    book.sheet(
        "各单位考核情况",
        [
            Column("单位"),
            Column("参考人次", "int"),
            Column("合格人次", "int"),
            Column("合格率", "percent"),
            Column("平均成绩（分）", "number"),
        ],
        (
            [
                str(row.department or "未登记单位"),
                row.people,
                row.passed,
                _ratio(row.pass_rate),
                float(row.average),
            ]
            for row in found.departments
        ),
    )
    book.sheet(
        "考核成绩",
        [
            Column("培训场次"),
            Column("姓名"),
            Column("单位"),
            Column("作答次数", "int"),
            Column("最好成绩（分）", "number"),
            Column("是否合格", "bool"),
        ],
        (
            [
                str(p.best.quiz.session),
                p.user.display_name(),
                str(p.department or ""),
                p.attempts,
                float(p.best.percent),
                p.passed,
            ]
            for p in found.people
        ),
    )


# Right after the training part (training/report_sections.py, 1050).
SECTION = Section("training_assessment", "培训成果考核", 1060, word=word, workbook=workbook)
