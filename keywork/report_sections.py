"""Key work in the period reports: a Word section (重点工作推进情况) and a
sheet (重点工作). The weekly report says what moved in the week (progress
updates, milestones reached, items done) and what is late; the monthly and
annual reports add the year's progress per county and per kind. Text is
Chinese, the contract's language; each function takes the report's
`reporting.selectors.Figures`."""

import datetime as dt

from django.utils import timezone

from keywork import selectors
from keywork.models import Item
from reporting.periods import Kind as PeriodKind
from reporting.sections import Section
from reporting.xlsx_layout import Column

MOVED_HEADERS = ["事项", "责任单位", "进展", "时间"]
MOVED_SHARES = [3.6, 2.8, 5.6, 2.0]
LATE_HEADERS = ["事项", "责任单位", "逾期节点", "状态"]
LATE_SHARES = [3.8, 3.0, 5.0, 2.0]
PROGRESS_SHARES = [3.6, 1.6, 1.6, 1.6, 3.0]
SHEET_COLUMNS = [
    ("编号", "text"),
    ("年度", "int"),
    ("事项", "text"),
    ("类型", "text"),
    ("来源文件", "text"),
    ("文号", "text"),
    ("发文单位", "text"),
    ("目标", "text"),
    ("责任县（市）", "text"),
    ("责任部门", "text"),
    ("完成时限", "date"),
    ("节点完成", "int"),
    ("节点总数", "int"),
    ("状态", "text"),
    ("逾期", "text"),
]


def _name(item: Item) -> str:
    return f"{item.number} {item.title}"


def _owner(item: Item) -> str:
    county = "州本级" if item.region_id == selectors.PREFECTURE_CODE else item.region.name
    return f"{county} {item.department.name}" if item.department_id else county


def _local(instant) -> str:
    return f"{timezone.localtime(instant):%m-%d %H:%M}"


def _span(figures):
    start, end = figures.filters.period.instants()
    return start, min(end, figures.now)


def moved_rows(moved) -> list[list[str]]:
    """One line per thing that moved, in time order within each county."""
    rows = []
    for update in moved.updates:
        text = ("报送材料：" if update.is_submission else "") + update.text
        if update.milestone_id:
            text += f"（完成节点“{update.milestone.title}”）"
        rows.append((update.at, [_name(update.item), _owner(update.item), text]))
    reported = {u.milestone_id for u in moved.updates if u.milestone_id}
    for milestone in moved.milestones:
        if milestone.pk not in reported:
            rows.append(
                (
                    milestone.done_at,
                    [_name(milestone.item), _owner(milestone.item), f"完成节点“{milestone.title}”"],
                )
            )
    for item in moved.completed:
        if not item.is_submission:
            rows.append((item.completed_at, [_name(item), _owner(item), "事项完成"]))
    rows.sort(key=lambda row: row[0])
    return [[*cells, _local(at)] for at, cells in rows]


def late_rows(late) -> list[list[str]]:
    return [
        [
            _name(row.item),
            _owner(row.item),
            "；".join(f"{what}（{day:%Y-%m-%d}）" for what, day in row.missed) or "—",
            row.item.get_status_display(),
        ]
        for row in late
    ]


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def _progress_table(report, first_header, rows) -> None:
    report.table(
        [first_header, "事项数", "已完成", "逾期", "节点完成"],
        [
            [
                row.name,
                str(row.items),
                str(row.done),
                str(row.late),
                f"{row.milestones_done}/{row.milestones_total}（{_percent(row.progress)}）",
            ]
            for row in rows
        ],
        PROGRESS_SHARES,
    )


def summary(moved, late) -> str:
    """本期重点工作有N条进展、完成节点M个、完成事项K项；逾期事项L项。"""
    updates = sum(1 for u in moved.updates if not u.is_submission)
    submitted = sum(1 for u in moved.updates if u.is_submission)
    parts = [f"报送进展{updates}条", f"完成节点{len(moved.milestones)}个"]
    if submitted:
        parts.append(f"报送材料{submitted}项")
    parts.append(f"完成事项{len(moved.completed)}项")
    text = "本期重点工作" + "、".join(parts) + "；"
    text += f"截至期末逾期事项{len(late)}项。" if late else "截至期末无逾期事项。"
    return text


def word(report, figures) -> None:
    region, period = figures.filters.region, figures.filters.period
    start, end = _span(figures)
    last_day = timezone.localtime(end - dt.timedelta(seconds=1)).date()
    moved = selectors.moved_in(region, start, end)
    late = selectors.late_at(region, last_day + dt.timedelta(days=1))
    report.paragraph(summary(moved, late))
    report.heading("本期进展", level=2)
    rows = moved_rows(moved)
    if rows:
        report.table(MOVED_HEADERS, rows, MOVED_SHARES)
    else:
        report.paragraph("本期重点工作无新的进展。")
    report.heading("逾期事项", level=2)
    if late:
        report.paragraph("以下事项有节点或完成时限已过而未完成，请责任单位加快推进：")
        report.table(LATE_HEADERS, late_rows(late), LATE_SHARES)
    else:
        report.paragraph("无逾期事项。")
    if period.kind == PeriodKind.WEEK:
        return
    counties, kinds = selectors.progress_by(region, period.start.year, last_day + dt.timedelta(1))
    report.heading(f"{period.start.year}年度推进情况", level=2)
    if not counties:
        report.paragraph("本年度尚未录入重点工作事项。")
        return
    report.paragraph("按责任县（市）：")
    _progress_table(report, "县（市）", counties)
    report.paragraph("按工作类型：")
    _progress_table(report, "类型", kinds)


def workbook(book, figures) -> None:
    region, period = figures.filters.region, figures.filters.period
    _start, end = _span(figures)
    day = timezone.localtime(end - dt.timedelta(seconds=1)).date() + dt.timedelta(days=1)
    items = list(
        selectors.items_in(region)
        .filter(year=period.start.year)
        .prefetch_related("milestones")
        .order_by("region_id", "id")
    )
    late = {row.item.pk for row in selectors.late_at(region, day)}
    book.sheet(
        "重点工作",
        [Column(header, kind) for header, kind in SHEET_COLUMNS],
        (
            [
                item.number,
                item.year,
                item.title,
                item.get_kind_display(),
                item.source_title,
                item.source_number,
                item.source_issuer,
                item.goal,
                _owner(item).split(" ")[0],
                item.department.name if item.department_id else "",
                item.due_date,
                sum(1 for m in item.milestones.all() if m.done_at),
                len(item.milestones.all()),
                item.get_status_display(),
                "是" if item.pk in late else "",
            ]
            for item in items
        ),
    )


SECTION = Section(
    "keywork",
    "重点工作推进情况",
    1180,
    word=word,
    workbook=workbook,
    dashboard_template="keywork/dashboard_card.html",
)
