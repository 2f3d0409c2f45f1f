"""The ledger's part of the period reports: a Word section (上期整改事项及完成
情况, 本期整改建议), an Excel sheet (整改台账) and the dashboard's panel.
Text is Chinese, the contract's language; each function takes the report's
`reporting.selectors.Figures`."""

import datetime as dt
from collections import Counter

from django.utils import timezone

from rectification import selectors
from rectification.models import RectificationItem
from reporting import documents
from reporting.sections import Section
from reporting.xlsx_layout import Column

OUTCOMES = ("按期完成", "逾期完成", "整改中", "待整改", "已逾期", "已撤销")
PREVIOUS_HEADERS = ["编号", "弱项", "责任部门", "整改期限", "完成情况", "整改措施及完成说明"]
# Shares of the text width of an A4 page at GB/T 9704 margins.
PREVIOUS_SHARES = [2.4, 2.6, 2.6, 2.1, 1.8, 4.1]
ENTERED_SHARES = [2.4, 2.6, 2.6, 4.5, 2.1, 1.4]
SHEET_COLUMNS = [
    ("编号", "text"),
    ("发现期间", "text"),
    ("地区", "text"),
    ("弱项类型", "text"),
    ("弱项", "text"),
    ("问题", "text"),
    ("责任部门", "text"),
    ("整改措施", "text"),
    ("期限（工作日）", "int"),
    ("整改期限", "date"),
    ("原定期限", "date"),
    ("状态", "text"),
    ("完成情况", "text"),
    ("完成时间", "datetime"),
    ("完成说明", "text"),
    ("创建人", "text"),
    ("创建时间", "datetime"),
]


def deadline_text(item: RectificationItem) -> str:
    """The deadline, and the first one when it was extended (reports judge
    按期/逾期 against the first)."""
    if item.extended:
        return f"{item.original_deadline:%Y-%m-%d}（延期至{item.deadline:%Y-%m-%d}）"
    return f"{item.deadline:%Y-%m-%d}"


def _label(item: RectificationItem) -> str:
    return f"{documents.DIMENSION_LABELS.get(item.dimension, item.dimension)}“{item.group_name}”"


def _report_parts(figures):
    filters = figures.filters
    previous = selectors.previous_items(filters.region, filters.period, now=figures.now)
    proposals = selectors.proposals_from(filters, figures.weakest, figures.causes)
    entered = list(selectors.period_items(filters.region, filters.period).order_by("id"))
    return previous, proposals, entered


def previous_summary(rows) -> str:
    """上期列入整改台账N项，其中按期完成a项、…；另有往期未完成的M项。"""
    last = [r for r in rows if not r.carried_over]
    carried = [r for r in rows if r.carried_over]
    if not last:
        text = "上期未列入整改事项"
    else:
        counts = Counter(r.outcome for r in last)
        parts = "、".join(f"{o}{counts[o]}项" for o in OUTCOMES if counts[o])
        text = f"上期列入整改台账{len(last)}项，其中{parts}"
    if carried:
        text += f"；另有往期尚未完成的整改事项{len(carried)}项"
    return text + "。"


def _previous_row(row) -> list[str]:
    item = row.item
    note = {"done": item.completion_note, "withdrawn": item.withdrawal_reason}.get(
        row.status, item.measures
    )
    number = item.number + ("（往期）" if row.carried_over else "")
    return [
        number,
        _label(item),
        str(item.department),
        deadline_text(item),
        row.outcome,
        note,
    ]


def word(report, figures) -> None:
    """整改台账: last period's items and whether they were done by the end of
    this one, then this period's proposals and the items already entered."""
    previous, proposals, entered = _report_parts(figures)
    report.heading("上期整改事项及完成情况", level=2)
    last_day = selectors.report_cutoff(figures.filters.period, figures.now)
    report.paragraph(
        previous_summary(previous)
        + f"完成情况截至{timezone.localtime(last_day - dt.timedelta(seconds=1)):%Y年%m月%d日}。"
    )
    report.table(PREVIOUS_HEADERS, [_previous_row(r) for r in previous], PREVIOUS_SHARES)
    report.heading("本期整改建议", level=2)
    if proposals:
        report.paragraph(
            "以下弱项尚未列入整改台账，建议由主管人员在服务台“整改建议”页面采纳或调整后列入，"
            "明确责任部门、整改措施和整改期限："
        )
        for index, spot in enumerate(proposals, 1):
            department = selectors.suggested_department(spot)
            text = f"{index}. {spot.evidence}"
            if spot.advice:
                text += f"建议：{spot.advice}"
            if department is not None:
                text += f"建议责任部门：{department}。"
            report.paragraph(text)
    else:
        report.paragraph("本期最弱的五项均已列入整改台账，或本期无符合条件的弱项。")
    if entered:
        report.paragraph(f"本期已列入整改台账{len(entered)}项：")
        report.table(
            ["编号", "弱项", "责任部门", "整改措施", "整改期限", "状态"],
            [
                [
                    item.number,
                    _label(item),
                    str(item.department),
                    item.measures,
                    deadline_text(item),
                    item.get_status_display(),
                ]
                for item in entered
            ],
            ENTERED_SHARES,
        )


def ledger_rows(figures) -> list[RectificationItem]:
    """The items a report's sheet lists: those found in this period and the
    previous one, and every earlier item still open."""
    filters = figures.filters
    before = filters.period.previous()
    items = selectors.items_in(filters.region).filter(period_kind=filters.period.kind)
    recent = items.filter(period_start__in=[filters.period.start, before.start])
    still_open = items.filter(period_start__lt=before.start).exclude(
        status__in=["done", "withdrawn"]
    )
    return list(
        (recent | still_open).distinct().order_by("period_start", "id").prefetch_related("events")
    )


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def workbook(book, figures) -> None:
    """The sheet 整改台账, dates as dates."""
    cutoff = selectors.report_cutoff(figures.filters.period, figures.now)
    items = ledger_rows(figures)
    outcomes = {
        row.item.pk: row.outcome for row in selectors.as_of_cutoff(items, cutoff) if row.status
    }
    book.sheet(
        "整改台账",
        [Column(header, kind) for header, kind in SHEET_COLUMNS],
        (
            [
                item.number,
                item.period_title,
                item.region.name,
                documents.DIMENSION_LABELS.get(item.dimension, item.dimension),
                item.group_name,
                item.finding,
                str(item.department),
                item.measures,
                item.working_days,
                item.deadline,
                item.original_deadline,
                item.get_status_display(),
                outcomes.get(item.pk, ""),
                _local(item.completed_at),
                item.completion_note,
                item.created_by.display_name() if item.created_by else "",
                _local(item.created_at),
            ]
            for item in items
        ),
    )


def dashboard_context(figures) -> dict:
    """The dashboard's ledger panel: last period's items with their outcome
    so far, and how many of the five weakest are not yet entered."""
    previous, proposals, entered = _report_parts(figures)
    return {
        "ledger_previous": previous,
        "ledger_summary": previous_summary(previous),
        "ledger_proposals": proposals,
        "ledger_entered": entered,
    }


SECTION = Section("rectification", "整改台账", 250, word=word, workbook=workbook)
