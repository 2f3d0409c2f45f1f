"""The ledger's part of the period reports: a Word section (上期整改事项及完成
情况, 本期整改建议), an Excel sheet (整改台账) and the dashboard's panel.
Text is Chinese, the contract's language; each function takes the report's
`reporting.selectors.Figures`."""

import datetime as dt
from collections import Counter

from django.utils import timezone
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from rectification import selectors
from rectification.models import RectificationItem
from reporting import documents

OUTCOMES = ("按期完成", "逾期完成", "整改中", "待整改", "已逾期")
PREVIOUS_HEADERS = ["编号", "弱项", "责任部门", "整改期限", "完成情况", "整改措施及完成说明"]
TABLE_FONT = Pt(9)
# Centimetres, within the 15.6 cm text width of an A4 page at GB/T 9704 margins.
PREVIOUS_WIDTHS = [2.4, 2.6, 2.6, 2.1, 1.8, 4.1]
ENTERED_WIDTHS = [2.4, 2.6, 2.6, 4.5, 2.1, 1.4]
SHEET_HEADERS = [
    "编号",
    "发现期间",
    "地区",
    "弱项类型",
    "弱项",
    "问题",
    "责任部门",
    "整改措施",
    "期限（工作日）",
    "整改期限",
    "状态",
    "完成情况",
    "完成时间",
    "完成说明",
    "创建人",
    "创建时间",
]
SHEET_WIDTHS = [12, 16, 12, 10, 20, 50, 24, 50, 10, 12, 8, 10, 17, 40, 10, 17]


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
    note = item.completion_note if row.status == "done" else item.measures
    number = item.number + ("（往期）" if row.carried_over else "")
    return [
        number,
        _label(item),
        str(item.department),
        f"{item.deadline:%Y-%m-%d}",
        row.outcome,
        note,
    ]


def _keep_row(row, *, header=False) -> None:
    """A row is never split across pages; a header row repeats on each page."""
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        props.append(OxmlElement("w:tblHeader"))


def _docx_table(document, header, rows, widths_cm):
    """A bordered table with its header repeated on every page and rows
    kept whole; an empty one says 无."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _keep_row(table.rows[0], header=True)
    for row in rows:
        added = table.add_row()
        _keep_row(added)
        for cell, value in zip(added.cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    if not rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.text = "无"
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = TABLE_FONT
    document.add_paragraph()
    return table


def add_docx_section(document, figures, number: str) -> None:
    """整改台账: last period's items and whether they were done by the end of
    this one, then this period's proposals and the items already entered."""
    previous, proposals, entered = _report_parts(figures)
    document.add_heading(f"{number}、整改台账", level=1)
    document.add_heading("上期整改事项及完成情况", level=2)
    last_day = selectors.report_cutoff(figures.filters.period, figures.now)
    document.add_paragraph(
        previous_summary(previous)
        + f"完成情况截至{timezone.localtime(last_day - dt.timedelta(seconds=1)):%Y年%m月%d日}。"
    )
    _docx_table(document, PREVIOUS_HEADERS, [_previous_row(r) for r in previous], PREVIOUS_WIDTHS)
    document.add_heading("本期整改建议", level=2)
    if proposals:
        document.add_paragraph(
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
            document.add_paragraph(text)
    else:
        document.add_paragraph("本期最弱的五项均已列入整改台账，或本期无符合条件的弱项。")
    if entered:
        document.add_paragraph(f"本期已列入整改台账{len(entered)}项：")
        _docx_table(
            document,
            ["编号", "弱项", "责任部门", "整改措施", "整改期限", "状态"],
            [
                [
                    item.number,
                    _label(item),
                    str(item.department),
                    item.measures,
                    f"{item.deadline:%Y-%m-%d}",
                    item.get_status_display(),
                ]
                for item in entered
            ],
            ENTERED_WIDTHS,
        )


def ledger_rows(figures) -> list[RectificationItem]:
    """The items a report's sheet lists: those found in this period and the
    previous one, and every earlier item still open."""
    filters = figures.filters
    before = filters.period.previous()
    items = selectors.items_in(filters.region).filter(period_kind=filters.period.kind)
    recent = items.filter(period_start__in=[filters.period.start, before.start])
    still_open = items.filter(period_start__lt=before.start).exclude(status="done")
    return list(
        (recent | still_open).distinct().order_by("period_start", "id").prefetch_related("events")
    )


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def add_xlsx_sheet(book, figures) -> None:
    """The sheet 整改台账: a title row with the period and region, a bold,
    frozen, filtered header, dates as dates."""
    filters = figures.filters
    sheet = book.create_sheet("整改台账")
    sheet.append(
        [documents.excel_cell(f"整改台账 · {filters.region.name} · {filters.period.title}")]
    )
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(SHEET_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    cutoff = selectors.report_cutoff(filters.period, figures.now)
    items = ledger_rows(figures)
    outcomes = {
        row.item.pk: row.outcome for row in selectors.as_of_cutoff(items, cutoff) if row.status
    }
    for item in items:
        sheet.append(
            [
                documents.excel_cell(value)
                for value in (
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
                    item.get_status_display(),
                    outcomes.get(item.pk, ""),
                    _local(item.completed_at),
                    item.completion_note,
                    item.created_by.display_name() if item.created_by else "",
                    _local(item.created_at),
                )
            ]
        )
    if not items:
        sheet.append(["无"])
    for index, width in enumerate(SHEET_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in (6, 8, 14))
        row[9].number_format = "yyyy-mm-dd"
        for column in (12, 15):
            if len(row) > column:
                row[column].number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(SHEET_HEADERS))}{max(sheet.max_row, 2)}"


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
