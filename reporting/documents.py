"""The Word and Excel period reports. Text is Chinese, the contract's
language; every number comes from `selectors.figures`."""

import datetime as dt
import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from rectification import report_sections as rectification_sections
from reporting import charts, stats, weakspots
from reporting.periods import LABELS, Period, change
from reporting.selectors import Figures
from sla.models import ClockKind, LogKind

CLOCK_LABELS = {ClockKind.RESPONSE: "首次响应", ClockKind.RESOLUTION: "解决"}
SCORE_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
LOG_LABELS = {
    LogKind.FILED: "受理",
    LogKind.FIRST_RESPONSE: "首次响应",
    LogKind.ESCALATED: "升级",
    LogKind.ACKNOWLEDGED: "升级确认",
    LogKind.PAUSED: "暂停计时",
    LogKind.RESUMED: "恢复计时",
    LogKind.PRIORITY_CHANGED: "调整优先级",
    LogKind.CATEGORY_CHANGED: "调整类别",
    LogKind.RESOLVED: "解决",
    LogKind.ROOT_CAUSE: "记录原因与措施",
    LogKind.REOPENED: "重新打开",
    LogKind.BREACHED: "超时",
    LogKind.RATING_VERIFIED: "差评核实",
    LogKind.RATING_CALLED_BACK: "差评回访",
    LogKind.RATING_RECTIFIED: "差评整改",
    LogKind.RATING_REMINDED: "差评回访提醒",
    LogKind.RATING_OVERDUE: "差评回访超期",
}
AGE_LABELS = {"0-1": "1天内", "1-3": "1–3天", "3-7": "3–7天", "7-30": "7–30天", "30-": "30天以上"}
BODY_FONT = "Noto Sans CJK SC"


def report_title(figures: Figures) -> str:
    period = figures.filters.period
    return f"{figures.filters.region.name}政务服务平台运维{LABELS[period.kind]}"


NO_TICKETS = "本期无工单"
NO_RATINGS = "无评价"


def span_text(period: Period) -> str:
    """A span as dates, e.g. 2025-11-03至2025-11-09."""
    last = period.covered_end - dt.timedelta(days=1)
    return f"{period.start:%Y-%m-%d}至{last:%Y-%m-%d}"


def compared(figures: Figures, key: str) -> str:
    """The change of a count against the comparable previous span, or why
    there is none."""
    if figures.comparable_partial:
        return "无可比数据"
    return stats.change_phrase(change(figures.headline[key], figures.previous[key]))


def comparison_sentence(figures: Figures) -> str:
    """What the comparisons are made against, said once."""
    before = figures.comparable
    if figures.comparable_partial:
        started = figures.desk_start
        since = f"服务台自{started:%Y年%m月%d日}起受理工单，" if started else "服务台尚无工单，"
        return f"{since}上期（{span_text(before)}）数据不完整，本报告不作同比。"
    if figures.filters.period.unfinished:
        return (
            f"本期尚未结束，数据{figures.filters.period.cut_off_label}，"
            f"与上期同期（{span_text(before)}）比较。"
        )
    return f"与上期（{span_text(before)}）比较。"


def rate_compared(figures: Figures, key: str) -> str:
    """The change of a rate in percentage points, or why there is none."""
    if figures.comparable_partial:
        return "无可比数据"
    now, before = figures.headline[key], figures.previous[key]
    return weakspots.points_phrase(None if now is None or before is None else now - before)


def satisfied_text(sat: dict) -> str:
    return NO_RATINGS if not sat["total"] else stats.percent(sat["satisfied_rate"])


def summary_sentences(figures: Figures) -> list[str]:
    """The summary in sentences with the key numbers and the comparison."""
    now, before = figures.headline, figures.previous
    sat = figures.satisfaction
    before_rate = (
        "无可比数据" if figures.comparable_partial else stats.percent(before["compliance"])
    )
    sentences = [
        comparison_sentence(figures),
        f"本期共受理工单{now['filed']}件，{compared(figures, 'filed')}；"
        f"解决工单{now['resolved']}件。",
        f"首次响应时间中位数{stats.hours(now['response_p50'])}，"
        f"解决时间中位数{stats.hours(now['resolution_p50'])}"
        f"（90%工单在{stats.hours(figures.resolution['p90'])}内解决），"
        f"SLA达标率{stats.percent(now['compliance'])}（上期{before_rate}）。",
        f"本期超时{now['breaches']}次，触发升级{sum(r['n'] for r in figures.escalations)}次；"
        f"期末积压{figures.backlog['total']}件，超期工单{figures.overdue['total']}件。",
        f"发生应急事件{figures.emergencies['total']}起。",
        (
            f"收到评价{sat['total']}条，满意率{satisfied_text(sat)}，差评{sat['bad']}条；"
            if sat["total"]
            else "本期无评价；"
        )
        + f"本期新开差评回访{sat['follow_ups']['opened']}件，"
        f"完成整改{sat['follow_ups']['rectified']}件，尚未完成{sat['follow_ups']['open']}件。",
    ]
    return sentences


PROBLEM_HEADERS = {
    "clusters": ["相似问题（知识库聚类）", "状态", "工单数"],
    "subsystems": ["子系统", "类别", "工单数"],
}


def problem_name(problem: dict) -> str:
    if problem["figure"] == "cluster":
        return problem["label"]
    return f"{problem['label']}·{problem['detail']}"


def problem_rows(figures: Figures) -> list[list]:
    return [[p["label"], p["detail"], p["n"]] for p in figures.problems]


DIMENSION_LABELS = {
    "county": "县（市）",
    "prefecture_department": "州本级部门",
    "department": "通办部门",
    "subsystem": "子系统",
    "category": "服务类别",
}


def measure(causes: dict | None) -> str:
    """The measure a weak spot is judged on, with its target, e.g. 解决时限（4.0小时目标）."""
    target = (causes or {}).get("target")
    return "解决时限" if target is None else f"解决时限（{stats.hours(target)}目标）"


def group_evidence(group: weakspots.Group, causes: dict | None = None) -> str:
    """A weak spot in words, with its numbers and the cause seen in the
    data, e.g. 应急响应：解决时限（4.0小时目标）本期114件中0件达标."""
    return (
        f"{DIMENSION_LABELS[group.dimension]}“{group.name}”：{measure(causes)}本期{group.resolved}件中"
        f"{group.met}件达标（{stats.percent(group.rate)}），未达标{group.missed}件；"
        f"上期{stats.percent(group.previous_rate) if group.previous_resolved else '无解决工单'}，"
        f"{weakspots.points_phrase(group.change)}。" + weakspots.cause_sentence(causes or {})
    )


def group_status(group: weakspots.Group) -> str:
    """How a row of a ranking table reads when it has too little to rank."""
    if not group.filed and not group.resolved:
        return NO_TICKETS
    if not group.ranked:
        return f"样本不足{weakspots.MIN_SAMPLE}件，不排名"
    return "" if group.missed else "全部达标"


def group_row(group: weakspots.Group) -> list:
    return [
        group.name,
        group.filed,
        group.resolved,
        group.met,
        stats.percent(group.rate),
        stats.percent(group.lower_bound),
        stats.percent(group.previous_rate),
        weakspots.points_phrase(group.change),
        group_status(group),
    ]


GROUP_HEADERS = [
    "名称",
    "受理",
    "解决",
    "按时",
    "达标率",
    "达标率下限",
    "上期达标率",
    "变化",
    "说明",
]


def link_base() -> str:
    """Where the service desk is reached, for links in a document."""
    scheme = "https" if getattr(settings, "HTTPS", False) else "http"
    return f"{scheme}://{Site.objects.get_current().domain}"


def drill_down_url(figures: Figures, figure: str, key: str = "") -> str:
    """The dashboard's list of the tickets behind a figure."""
    query = figures.filters.as_query() | {"figure": figure}
    if key:
        query["key"] = key
    return f"{link_base()}{reverse('reporting:tickets')}?{urlencode(query)}"


def recommendations(figures: Figures) -> list[str]:
    """Suggested actions from the figures' weak spots."""
    advice = []
    for group in figures.weakest[:3]:
        causes = figures.causes.get(f"{group.dimension}:{group.key}", {})
        sentence = weakspots.advice_sentence(
            f"{DIMENSION_LABELS[group.dimension]}“{group.name}”",
            measure(causes),
            group.missed,
            causes,
        )
        if sentence:
            advice.append(sentence)
    for problem in figures.problems[:3]:
        if problem["faq_id"]:
            continue  # already answered by an FAQ
        advice.append(
            f"“{problem_name(problem)}”类问题共{problem['n']}件，"
            "建议整理常见问题解答（FAQ）并开展针对性培训。"
        )
    if figures.overdue["total"]:
        advice.append(f"尚有超期工单{figures.overdue['total']}件（见附录），请逐件督办。")
    if figures.satisfaction["follow_ups"]["open"]:
        advice.append("差评回访整改尚未全部完成，请在15个工作日内完成回访并记录整改情况。")
    if advice:
        return advice
    if not figures.headline["filed"] and not figures.headline["resolved"]:
        return [f"{NO_TICKETS}。"]
    return ["本期各项指标正常，请继续保持。"]


def _set_font(document):
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        heading = document.styles[name]
        heading.font.name = BODY_FONT
        heading.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)


def _table(document, header: list[str], rows: list[list]):
    """A table under its header row; an empty one says 无 rather than
    leaving the header alone."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    if not rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
        merged.text = "无"
    document.add_paragraph()
    return table


def _hyperlink(paragraph, url: str, text: str) -> None:
    """A clickable link in a paragraph (python-docx has no API for one)."""
    part = paragraph.part
    rel = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    props.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    content = OxmlElement("w:t")
    content.text = text
    run.append(content)
    link.append(run)
    paragraph._p.append(link)


def weak_spot_section(document, figures: Figures, number: str) -> None:
    """The five weakest groups with their evidence and a link to the
    tickets behind each, then every dimension's table, weakest first."""
    document.add_heading(f"{number}、弱项短板分析", level=1)
    document.add_paragraph(f"判定规则：{weakspots.RULE}；变化为与上期同期相比的百分点。")
    if figures.weakest:
        document.add_heading("最弱的五项", level=2)
        for index, group in enumerate(figures.weakest, 1):
            key = f"{group.dimension}:{group.key}"
            evidence = group_evidence(group, figures.causes.get(key))
            paragraph = document.add_paragraph(f"{index}. {evidence}")
            paragraph.add_run("工单清单：")
            _hyperlink(
                paragraph,
                drill_down_url(figures, "group_missed", key),
                f"未达标{group.missed}件",
            )
            paragraph.add_run("，")
            _hyperlink(paragraph, drill_down_url(figures, "group", key), f"全部{group.resolved}件")
            paragraph.add_run("。")
    else:
        document.add_paragraph(
            f"本期没有解决不少于{weakspots.MIN_SAMPLE}件且有未达标工单的部门、地区、子系统或服务类别。"
        )
    for dimension, title in (
        ("county", "各县（市）"),
        ("prefecture_department", "州本级部门"),
        ("department", "通办部门"),
        ("subsystem", "子系统"),
        ("category", "服务类别"),
    ):
        groups = figures.groups.get(dimension, [])
        if dimension == "prefecture_department" and figures.filters.region.level != "prefecture":
            continue
        document.add_heading(f"{title}达标情况", level=2)
        _table(document, GROUP_HEADERS, [group_row(g) for g in groups])


def duration_text(incident) -> str:
    return "进行中" if incident.ongoing else stats.hours(incident.duration_minutes)


def _picture(document, png: bytes):
    document.add_picture(io.BytesIO(png), width=Cm(16))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def trend_labels(figures: Figures) -> tuple[list[str], list[int]]:
    from reporting.periods import trend_buckets

    period = figures.filters.period
    buckets = trend_buckets(period)
    fmt = "{d.month}月" if period.trend_unit == "month" else "{d.month}/{d.day}"
    return [fmt.format(d=d) for d in buckets], [figures.volume["trend"].get(d, 0) for d in buckets]


def build_docx(figures: Figures) -> bytes:
    period, region = figures.filters.period, figures.filters.region
    document = Document()
    _set_font(document)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)

    # Title page.
    for _i in range(6):
        document.add_paragraph()
    title = document.add_paragraph(report_title(figures), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (
        f"报告期：{period.title}",
        f"范围：{region.name}",
        "报送：甘孜州政务服务中心",
        f"编制：甘孜州政务服务平台运维服务台（{timezone.localtime(figures.now):%Y年%m月%d日}）",
    ):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_section(WD_SECTION.NEW_PAGE)

    document.add_heading("一、总体情况", level=1)
    for sentence in summary_sentences(figures):
        document.add_paragraph(sentence)
    now, before = figures.headline, figures.previous
    _table(
        document,
        ["指标", "本期", "上期", "变化"],
        [
            ["受理工单（件）", now["filed"], before["filed"], compared(figures, "filed")],
            ["解决工单（件）", now["resolved"], before["resolved"], compared(figures, "resolved")],
            [
                "首次响应中位数",
                stats.hours(now["response_p50"]),
                stats.hours(before["response_p50"]),
                "",
            ],
            [
                "解决时间中位数",
                stats.hours(now["resolution_p50"]),
                stats.hours(before["resolution_p50"]),
                "",
            ],
            [
                "SLA达标率",
                stats.percent(now["compliance"]),
                stats.percent(before["compliance"]),
                rate_compared(figures, "compliance"),
            ],
            ["超时次数", now["breaches"], before["breaches"], compared(figures, "breaches")],
            [
                "满意率",
                satisfied_text(figures.satisfaction),
                NO_RATINGS
                if before["satisfied_rate"] is None
                else stats.percent(before["satisfied_rate"]),
                rate_compared(figures, "satisfied_rate"),
            ],
        ],
    )

    weak_spot_section(document, figures, "二")

    document.add_heading("三、工单量与趋势", level=1)
    labels, values = trend_labels(figures)
    _picture(document, charts.line("工单受理趋势", labels, values, "件"))
    document.add_heading("各县（市）工单情况", level=2)
    counties = figures.counties
    if any(c["filed"] for c in counties):
        _picture(
            document,
            charts.bars(
                "各县（市）受理工单量",
                [c["name"] for c in counties],
                [c["filed"] for c in counties],
                horizontal=True,
            ),
        )
    _table(
        document,
        ["县（市）", "受理", "解决", "SLA达标率", "说明"],
        [
            [
                c["name"],
                c["filed"],
                c["resolved"],
                stats.percent(c["compliance"]),
                "" if c["filed"] or c["resolved"] else NO_TICKETS,
            ]
            for c in counties
        ],
    )

    document.add_heading("四、响应与解决时效", level=1)
    _table(
        document,
        ["时限", "工单数", "中位数", "90%分位", "目标（中位）", "达标率"],
        [
            [
                CLOCK_LABELS[t["kind"]],
                t["n"],
                stats.hours(t["p50"]),
                stats.hours(t["p90"]),
                stats.hours(t["target"]),
                stats.percent(stats.rate(t["met"], t["n"])),
            ]
            for t in (figures.response, figures.resolution)
        ],
    )

    document.add_heading("五、超时与升级", level=1)
    document.add_paragraph(
        f"首次响应超时{figures.breaches[ClockKind.RESPONSE]}次，解决超时{figures.breaches[ClockKind.RESOLUTION]}次。"
    )
    _table(
        document,
        ["时限", "升级级别（目标时长占比）", "次数", "涉及工单"],
        [
            [
                CLOCK_LABELS.get(r["clock_kind"], r["clock_kind"]),
                f"{r['level']}%",
                r["n"],
                r["tickets"],
            ]
            for r in figures.escalations
        ],
    )

    document.add_heading("六、积压与超期", level=1)
    ages = figures.backlog["ages"]
    document.add_paragraph(f"期末未解决工单{figures.backlog['total']}件，按已用时长分布如下。")
    _table(document, ["已用时长", "件数"], [[AGE_LABELS[k], v] for k, v in ages.items()])

    document.add_heading("七、应急事件与故障处理记录", level=1)
    emergencies = figures.emergencies["items"]
    if figures.emergencies["total"] > len(emergencies):
        document.add_paragraph(
            f"共{figures.emergencies['total']}起，列出最早的{len(emergencies)}起。"
        )
    if emergencies:
        _table(
            document,
            ["工单", "开始时间", "持续", "影响", "处置措施"],
            [
                [
                    f"#{i.ticket_id} {i.ticket.title}",
                    f"{timezone.localtime(i.started_at):%m-%d %H:%M}",
                    duration_text(i),
                    i.impact or "—",
                    i.actions_taken or "—",
                ]
                for i in emergencies
            ],
        )
    else:
        document.add_paragraph("本期未发生应急事件。")
    counts = figures.handling_log["counts"]
    document.add_paragraph(
        "故障处理记录："
        + ("；".join(f"{LOG_LABELS.get(k, k)}{n}次" for k, n in sorted(counts.items())) or "无")
        + "。"
    )
    causes = figures.handling_log["root_causes"]
    if causes:
        document.add_heading("故障原因与处理措施", level=2)
        _table(
            document,
            ["工单", "原因", "措施"],
            [
                [
                    f"#{e.ticket_id} {e.ticket.title}",
                    e.data.get("root_cause", ""),
                    e.data.get("fix", ""),
                ]
                for e in causes
            ],
        )

    document.add_heading("八、满意度与差评回访", level=1)
    sat = figures.satisfaction
    distribution = sat["distribution"]
    if sat["total"]:
        _picture(
            document,
            charts.bars(
                "满意度评价分布",
                [SCORE_LABELS[s] for s in distribution],
                list(distribution.values()),
            ),
        )
    _table(
        document,
        ["评价", "条数"],
        [[SCORE_LABELS[s], n] for s, n in distribution.items()] + [["合计", sat["total"]]],
    )
    follow = sat["follow_ups"]
    document.add_paragraph(
        f"满意率{satisfied_text(sat)}。本期新开差评回访{follow['opened']}件，完成整改"
        f"{follow['rectified']}件；期末尚未完成{follow['open']}件，其中超过15个工作日的{follow['overdue']}件。"
    )

    document.add_heading("九、高发问题与改进建议", level=1)
    _table(document, PROBLEM_HEADERS[figures.problem_source], problem_rows(figures))
    deflected = figures.deflections
    if deflected.get("applies"):
        document.add_paragraph(
            f"本期通过常见问题解答（FAQ）自助解决、未提交工单{deflected['total']}次。"
        )
        if deflected["faqs"]:
            _table(
                document,
                ["常见问题", "自助解决次数"],
                [[row["title"], row["n"]] for row in deflected["faqs"]],
            )
    for advice in recommendations(figures):
        document.add_paragraph(advice, style="List Bullet")

    document.add_heading("十、运维人员工作情况", level=1)
    _table(
        document,
        ["运维人员", "解决工单", "达标率", "解决时间中位数", "期末在办"],
        [
            [
                o["name"],
                o["resolved"],
                stats.percent(o["compliance"]),
                stats.hours(o["p50"]),
                o["open"],
            ]
            for o in figures.operators
        ],
    )

    rectification_sections.add_docx_section(document, figures, "十一")

    document.add_heading("附录：超期工单清单", level=1)
    items = figures.overdue["items"]
    if items:
        if figures.overdue["total"] > len(items):
            document.add_paragraph(
                f"共{figures.overdue['total']}件，列出最早到期的{len(items)}件。"
            )
        _table(
            document,
            ["工单", "地区", "部门", "到期时间", "状态"],
            [
                [
                    f"#{c.ticket_id} {c.ticket.title}",
                    c.region_name,
                    c.ticket.details.department.name,
                    f"{timezone.localtime(c.due_at):%Y-%m-%d %H:%M}" if c.due_at else "—",
                    "已解决" if c.stopped_at else "未解决",
                ]
                for c in items
            ],
        )
    else:
        document.add_paragraph("本期无超期工单。")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Text starting with these is read by Excel as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_cell(value):
    """A value as written to a sheet: text stays text. Titles and names come
    from the people who file tickets, and a formula among them would run (or
    link out) when a supervisor opens the report; characters that a sheet
    cannot hold would stop the report being made at all."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _append(sheet, row) -> None:
    """Every row of the workbook is written here."""
    sheet.append([excel_cell(value) for value in row])


def build_xlsx(figures: Figures) -> bytes:
    """The raw tables, one sheet each."""
    book = Workbook()
    sheet = book.active
    sheet.title = "总体"
    _append(sheet, ["指标", "本期", "上期"])
    for key, value in figures.headline.items():
        _append(sheet, [key, value, figures.previous[key]])

    def add(title, header, rows):
        ws = book.create_sheet(title)
        _append(ws, header)
        for row in rows:
            _append(ws, row)

    period = figures.filters.period
    from reporting.periods import trend_buckets

    add(
        "趋势",
        ["日期", "受理"],
        [[d, figures.volume["trend"].get(d, 0)] for d in trend_buckets(period)],
    )
    add(
        "县市",
        ["代码", "县（市）", "受理", "解决", "达标率"],
        [
            [c["code"], c["name"], c["filed"], c["resolved"], c["compliance"]]
            for c in figures.counties
        ],
    )
    for dimension, title in (
        ("county", "县市达标"),
        ("prefecture_department", "州本级部门"),
        ("department", "通办部门"),
        ("subsystem", "子系统达标"),
        ("category", "服务类别达标"),
    ):
        add(
            title,
            ["代码", *GROUP_HEADERS],
            [[g.key, *group_row(g)] for g in figures.groups.get(dimension, [])] or [["无"]],
        )
    add(
        "弱项短板",
        ["排名", "类型", "名称", "解决", "按时", "达标率", "说明", "工单清单"],
        [
            [
                index,
                DIMENSION_LABELS[g.dimension],
                g.name,
                g.resolved,
                g.met,
                stats.percent(g.rate),
                group_evidence(g, figures.causes.get(f"{g.dimension}:{g.key}")),
                drill_down_url(figures, "group_missed", f"{g.dimension}:{g.key}"),
            ]
            for index, g in enumerate(figures.weakest, 1)
        ]
        or [["无"]],
    )
    add(
        "时效",
        ["时限", "工单数", "达标", "中位数（分钟）", "90%分位（分钟）", "目标中位（分钟）"],
        [
            [CLOCK_LABELS[t["kind"]], t["n"], t["met"], t["p50"], t["p90"], t["target"]]
            for t in (figures.response, figures.resolution)
        ],
    )
    add(
        "升级",
        ["时限", "级别%", "次数"],
        [[r["clock_kind"], r["level"], r["n"]] for r in figures.escalations],
    )
    add(
        "积压",
        ["已用时长", "件数"],
        [[AGE_LABELS[k], v] for k, v in figures.backlog["ages"].items()],
    )
    add(
        "超期",
        ["工单", "标题", "地区", "到期时间", "已解决"],
        [
            [
                c.ticket_id,
                c.ticket.title,
                c.region_name,
                timezone.localtime(c.due_at).replace(tzinfo=None) if c.due_at else None,
                bool(c.stopped_at),
            ]
            for c in figures.overdue["items"]
        ],
    )
    add(
        "应急",
        ["工单", "开始", "持续（分钟）", "影响", "措施"],
        [
            [
                i.ticket_id,
                timezone.localtime(i.started_at).replace(tzinfo=None),
                "进行中" if i.ongoing else round(i.duration_minutes),
                i.impact,
                i.actions_taken,
            ]
            for i in figures.emergencies["items"]
        ],
    )
    add(
        "满意度",
        ["评价", "分值", "条数"],
        [[SCORE_LABELS[s], s, n] for s, n in figures.satisfaction["distribution"].items()],
    )
    add("高发问题", PROBLEM_HEADERS[figures.problem_source], problem_rows(figures))
    add(
        "FAQ自助解决",
        ["常见问题", "自助解决次数"],
        [[row["title"], row["n"]] for row in figures.deflections.get("faqs", [])],
    )
    add(
        "运维人员",
        ["运维人员", "解决", "达标率", "解决中位数（分钟）", "期末在办"],
        [
            [o["name"], o["resolved"], o["compliance"], o["p50"], o["open"]]
            for o in figures.operators
        ],
    )
    rectification_sections.add_xlsx_sheet(book, figures)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
