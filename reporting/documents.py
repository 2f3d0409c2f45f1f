"""The Word and Excel period reports. Text is Chinese, the contract's
language; every number comes from `selectors.figures`."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from helpdesk_site.satisfaction.models import FollowUpState
from reporting import charts, sections, selectors, stats, weakspots
from reporting.docx_layout import Signature, WordReport
from reporting.periods import LABELS, Period, change, trend_buckets
from reporting.sections import Section
from reporting.selectors import Figures
from reporting.xlsx_layout import Column, Typed, WorkbookReport
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
        f"本期超时{now['breaches']}次（涉及工单{figures.breached_tickets}件），"
        f"触发升级{sum(r['n'] for r in figures.escalations)}次；"
        f"期末积压{figures.backlog['total']}件；本期超期工单{figures.overdue['total']}件，"
        f"其中期末仍未解决{figures.backlog['overdue']}件。",
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
    "indicator": "评估指标",
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


def overdue_check_sentence(figures: Figures, group: weakspots.Group) -> str:
    """A weak county's 超期件 at its latest 综合受办 spot check, as a second
    piece of evidence: faults reported late and cases overdue go together."""
    check = figures.overdue_checks.get(group.key) if group.dimension == "county" else None
    if check is None:
        return ""
    return f"综合受办平台超期件抽检：最近一次（{check.checked_on:%Y-%m-%d}）超期件{check.count}件。"


def weak_evidence(figures: Figures, group: weakspots.Group) -> str:
    """A weak spot's evidence as the report's weak-spot part words it."""
    key = f"{group.dimension}:{group.key}"
    return group_evidence(group, figures.causes.get(key)) + overdue_check_sentence(figures, group)


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


# The name, the change and the 说明 need the room; counts and rates are
# widened to their longest number when they need it (docx_layout.fit_numbers).
GROUP_SHARES = [20, 7, 7, 7, 9, 9, 9, 18, 14]


def link_base() -> str:
    """Where the service desk is reached, for links in a document: the one
    public address the e-mails use too (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/")


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
    if figures.backlog["overdue"]:
        advice.append(f"尚有超期未解决工单{figures.backlog['overdue']}件（见附录），请逐件督办。")
    if figures.satisfaction["follow_ups"]["open"]:
        advice.append("差评回访整改尚未全部完成，请在15个工作日内完成回访并记录整改情况。")
    if advice:
        return advice
    if not figures.headline["filed"] and not figures.headline["resolved"]:
        return [f"{NO_TICKETS}。"]
    return ["本期各项指标正常，请继续保持。"]


def duration_text(incident) -> str:
    return "进行中" if incident.ongoing else stats.hours(incident.duration_minutes)


def trend_labels(figures: Figures) -> tuple[list[str], list[int]]:
    period = figures.filters.period
    buckets = trend_buckets(period)
    fmt = "{d.month}月" if period.trend_unit == "month" else "{d.month}/{d.day}"
    return [fmt.format(d=d) for d in buckets], [figures.volume["trend"].get(d, 0) for d in buckets]


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def date_text(figures: Figures) -> str:
    return f"{timezone.localtime(figures.now):%Y年%m月%d日}"


# --- The parts of the report, each writing to the Word report and the workbook --


def overview_word(report: WordReport, figures: Figures) -> None:
    for sentence in summary_sentences(figures):
        report.paragraph(sentence)
    now, before = figures.headline, figures.previous
    report.table(
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


# The headline's keys in the workbook: (Chinese name, format)
HEADLINE_LABELS = {
    "filed": ("受理工单（件）", "int"),
    "resolved": ("解决工单（件）", "int"),
    "response_p50": ("首次响应时间中位数（工作时 时:分）", "minutes"),
    "resolution_p50": ("解决时间中位数（工作时 时:分）", "minutes"),
    "compliance": ("SLA达标率", "percent"),
    "breaches": ("超时次数", "int"),
    "satisfied_rate": ("满意率", "percent"),
}


def overview_sheets(book: WorkbookReport, figures: Figures) -> None:
    rows = [
        [label, Typed(figures.headline[key], kind), Typed(figures.previous[key], kind)]
        for key, (label, kind) in HEADLINE_LABELS.items()
    ]
    rows += [
        ["超时工单（件）", figures.breached_tickets, None],
        ["期末积压（件）", figures.backlog["total"], None],
        ["超期工单（件）", figures.overdue["total"], None],
        ["其中期末仍未解决（件）", figures.backlog["overdue"], None],
        ["应急事件（起）", figures.emergencies["total"], None],
    ]
    book.sheet(
        "总体",
        [Column("指标"), Column("本期", "int"), Column("上期", "int")],
        rows,
    )


GROUP_COLUMNS = [
    Column("代码"),
    Column("名称"),
    Column("受理", "int"),
    Column("解决", "int"),
    Column("按时", "int"),
    Column("达标率", "percent"),
    Column("达标率下限", "percent"),
    Column("上期达标率", "percent"),
    Column("变化（百分点）", "number"),
    Column("说明"),
]


def group_sheet_row(group: weakspots.Group) -> list:
    return [
        group.key,
        group.name,
        group.filed,
        group.resolved,
        group.met,
        group.rate,
        group.lower_bound,
        group.previous_rate,
        None if group.change is None else round(group.change * 100, 1),
        group_status(group),
    ]


def dimensions(figures: Figures) -> list[tuple[str, str, str]]:
    """(dimension, Word heading, sheet name) of the tables a reader of this
    region gets: 州本级部门 only at the prefecture."""
    found = [
        ("county", "各县（市）", "县市达标"),
        ("prefecture_department", "州本级部门", "州本级部门"),
        ("department", "通办部门", "通办部门"),
        ("subsystem", "子系统", "子系统达标"),
        ("category", "服务类别", "服务类别达标"),
    ]
    if figures.filters.region.level != "prefecture":
        found = [d for d in found if d[0] != "prefecture_department"]
    return found


def weak_spots_word(report: WordReport, figures: Figures) -> None:
    """The five weakest groups with their evidence and a link to the
    tickets behind each, then every dimension's table, weakest first."""
    report.paragraph(f"判定规则：{weakspots.RULE}；变化为与上期同期相比的百分点。")
    if figures.weakest:
        report.heading("最弱的五项", level=2)
        for index, group in enumerate(figures.weakest, 1):
            key = f"{group.dimension}:{group.key}"
            paragraph = report.paragraph(f"{index}. {weak_evidence(figures, group)}")
            paragraph.add_run("工单清单：")
            report.hyperlink(
                paragraph,
                drill_down_url(figures, "group_missed", key),
                f"未达标{group.missed}件",
            )
            paragraph.add_run("，")
            report.hyperlink(
                paragraph, drill_down_url(figures, "group", key), f"全部{group.resolved}件"
            )
            paragraph.add_run("。")
    else:
        report.paragraph(
            f"本期没有解决不少于{weakspots.MIN_SAMPLE}件且有未达标工单的部门、地区、子系统或服务类别。"
        )
    for dimension, title, _sheet in dimensions(figures):
        report.heading(f"{title}达标情况", level=2)
        report.table(
            GROUP_HEADERS,
            [group_row(g) for g in figures.groups.get(dimension, [])],
            GROUP_SHARES,
        )


DEPARTMENT_COLUMNS = [
    *GROUP_COLUMNS[:-1],
    Column("期末积压", "int"),
    Column("差评", "int"),
    Column("解决时间中位数（工作时 时:分）", "minutes"),
    GROUP_COLUMNS[-1],
]


def weak_spots_sheets(book: WorkbookReport, figures: Figures) -> None:
    details = selectors.department_details(figures.filters, figures.now)
    for dimension, _title, sheet in dimensions(figures):
        groups = figures.groups.get(dimension, [])
        if dimension in ("department", "prefecture_department"):
            rows = []
            for group in groups:
                more = details.get(group.key, {})
                *figures_of, status = group_sheet_row(group)
                rows.append(
                    [
                        *figures_of,
                        more.get("backlog", 0),
                        more.get("bad", 0),
                        more.get("resolution_p50"),
                        status,
                    ]
                )
            book.sheet(sheet, DEPARTMENT_COLUMNS, rows)
        else:
            book.sheet(sheet, GROUP_COLUMNS, [group_sheet_row(g) for g in groups])
    book.sheet(
        "弱项短板",
        [
            Column("排名", "int"),
            Column("类型"),
            Column("名称"),
            Column("解决", "int"),
            Column("按时", "int"),
            Column("达标率", "percent"),
            Column("说明"),
            Column("工单清单", "url"),
        ],
        [
            [
                index,
                DIMENSION_LABELS[g.dimension],
                g.name,
                g.resolved,
                g.met,
                g.rate,
                weak_evidence(figures, g),
                drill_down_url(figures, "group_missed", f"{g.dimension}:{g.key}"),
            ]
            for index, g in enumerate(figures.weakest, 1)
        ],
    )


def volume_word(report: WordReport, figures: Figures) -> None:
    labels, values = trend_labels(figures)
    report.picture(charts.line("工单受理趋势", labels, values, "件"))
    report.heading("各县（市）工单情况", level=2)
    counties = figures.counties
    if any(c["filed"] for c in counties):
        report.picture(
            charts.bars(
                "各县（市）受理工单量",
                [c["name"] for c in counties],
                [c["filed"] for c in counties],
                horizontal=True,
            )
        )
    report.table(
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


def volume_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        "趋势",
        [Column("日期", "date"), Column("受理", "int")],
        [[d, figures.volume["trend"].get(d, 0)] for d in trend_buckets(figures.filters.period)],
    )
    book.sheet(
        "县市",
        [
            Column("代码"),
            Column("县（市）"),
            Column("受理", "int"),
            Column("解决", "int"),
            Column("达标率", "percent"),
            Column("说明"),
        ],
        [
            [
                c["code"],
                c["name"],
                c["filed"],
                c["resolved"],
                c["compliance"],
                "" if c["filed"] or c["resolved"] else NO_TICKETS,
            ]
            for c in figures.counties
        ],
    )


def times_word(report: WordReport, figures: Figures) -> None:
    report.table(
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


def times_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        "时效",
        [
            Column("时限"),
            Column("工单数", "int"),
            Column("达标", "int"),
            Column("达标率", "percent"),
            Column("中位数（工作时 时:分）", "minutes"),
            Column("90%分位（工作时 时:分）", "minutes"),
            Column("目标中位（工作时 时:分）", "minutes"),
        ],
        [
            [
                CLOCK_LABELS[t["kind"]],
                t["n"],
                t["met"],
                stats.rate(t["met"], t["n"]),
                t["p50"],
                t["p90"],
                t["target"],
            ]
            for t in (figures.response, figures.resolution)
        ],
    )


def breaches_word(report: WordReport, figures: Figures) -> None:
    report.paragraph(
        f"首次响应超时{figures.breaches[ClockKind.RESPONSE]}次，"
        f"解决超时{figures.breaches[ClockKind.RESOLUTION]}次，"
        f"涉及工单{figures.breached_tickets}件。",
        keep_with_next=True,
    )
    report.table(
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


def breaches_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        "升级",
        [
            Column("时限"),
            Column("升级级别（目标时长占比）", "percent"),
            Column("次数", "int"),
            Column("涉及工单", "int"),
        ],
        [
            [
                CLOCK_LABELS.get(r["clock_kind"], r["clock_kind"]),
                r["level"] / 100,
                r["n"],
                r["tickets"],
            ]
            for r in figures.escalations
        ],
    )


def backlog_word(report: WordReport, figures: Figures) -> None:
    backlog = figures.backlog
    report.paragraph(
        f"期末未解决工单（积压）{backlog['total']}件，按已用时长分布如下。"
        f"本期超期工单{figures.overdue['total']}件，指本期内超过解决时限的工单，"
        f"含本期内已解决的；其中期末仍未解决{backlog['overdue']}件，也计入积压。",
        keep_with_next=True,
    )
    report.table(["已用时长", "件数"], [[AGE_LABELS[k], v] for k, v in backlog["ages"].items()])


def backlog_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        "积压",
        [Column("已用时长"), Column("件数", "int")],
        [[AGE_LABELS[k], v] for k, v in figures.backlog["ages"].items()],
    )


def emergencies_word(report: WordReport, figures: Figures) -> None:
    emergencies = figures.emergencies["items"]
    if emergencies:
        report.listed(
            ["工单", "开始时间", "持续", "影响", "处置措施"],
            [
                [
                    f"#{i.ticket_id} {i.ticket.title}",
                    f"{timezone.localtime(i.started_at):%m-%d %H:%M}",
                    duration_text(i),
                    i.impact or "未填写",
                    i.actions_taken or "未填写",
                ]
                for i in emergencies
            ],
            figures.emergencies["total"],
            "应急",
        )
    else:
        report.paragraph("本期未发生应急事件。")
    counts = figures.handling_log["counts"]
    report.paragraph(
        "故障处理记录："
        + ("；".join(f"{LOG_LABELS.get(k, k)}{n}次" for k, n in sorted(counts.items())) or "无")
        + "。"
    )
    causes = figures.handling_log["root_causes"]
    if causes:
        report.heading("故障原因与处理措施", level=2)
        report.listed(
            ["工单", "原因", "措施"],
            [
                [
                    f"#{e.ticket_id} {e.ticket.title}",
                    e.data.get("root_cause", ""),
                    e.data.get("fix", ""),
                ]
                for e in causes
            ],
            len(causes),
            "故障原因",
        )


def emergencies_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        "应急",
        [
            Column("工单", "int"),
            Column("标题"),
            Column("开始", "datetime"),
            Column("持续（时:分）", "minutes"),
            Column("状态"),
            Column("影响"),
            Column("措施"),
        ],
        [
            [
                i.ticket_id,
                i.ticket.title,
                local(i.started_at),
                None if i.ongoing else i.duration_minutes,
                "进行中" if i.ongoing else "已结束",
                i.impact,
                i.actions_taken,
            ]
            for i in figures.emergencies["items"]
        ],
    )
    book.sheet(
        "故障原因",
        [Column("工单", "int"), Column("标题"), Column("原因"), Column("措施")],
        [
            [e.ticket_id, e.ticket.title, e.data.get("root_cause", ""), e.data.get("fix", "")]
            for e in figures.handling_log["root_causes"]
        ],
    )


def satisfaction_word(report: WordReport, figures: Figures) -> None:
    sat = figures.satisfaction
    distribution = sat["distribution"]
    if sat["total"]:
        report.picture(
            charts.bars(
                "满意度评价分布",
                [SCORE_LABELS[s] for s in distribution],
                list(distribution.values()),
            )
        )
    report.table(
        ["评价", "条数"],
        [[SCORE_LABELS[s], n] for s, n in distribution.items()] + [["合计", sat["total"]]],
    )
    follow = sat["follow_ups"]
    report.paragraph(
        f"满意率{satisfied_text(sat)}。本期新开差评回访{follow['opened']}件，完成整改"
        f"{follow['rectified']}件；期末尚未完成{follow['open']}件，其中超过15个工作日的{follow['overdue']}件。"
    )


FOLLOW_UP_LABELS = {
    FollowUpState.OPEN: "待核实",
    FollowUpState.VERIFIED: "已核实",
    FollowUpState.CALLED_BACK: "已回访",
    FollowUpState.RECTIFIED: "已整改",
}


def follow_up_status(rating) -> str:
    follow_up = getattr(rating, "follow_up", None)
    return FOLLOW_UP_LABELS[follow_up.state] if follow_up else "未建回访"


def satisfaction_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        "满意度",
        [Column("评价"), Column("分值", "int"), Column("条数", "int")],
        [[SCORE_LABELS[s], s, n] for s, n in figures.satisfaction["distribution"].items()],
    )
    rows = []
    for rating in selectors.bad_ratings(figures.filters):
        follow_up = getattr(rating, "follow_up", None)
        details = rating.ticket.details
        rows.append(
            [
                rating.ticket_id,
                rating.ticket.title,
                details.region.name if details.region else "",
                details.department.name if details.department else "",
                SCORE_LABELS[rating.score],
                rating.comment,
                local(rating.rated_at),
                follow_up_status(rating),
                local(follow_up.due_at) if follow_up else None,
                bool(follow_up and follow_up.breached_at),
                follow_up.rectification if follow_up else "",
            ]
        )
    book.sheet(
        "差评",
        [
            Column("工单", "int"),
            Column("标题"),
            Column("地区"),
            Column("部门"),
            Column("评价"),
            Column("评价意见"),
            Column("评价时间", "datetime"),
            Column("回访整改状态"),
            Column("回访期限", "datetime"),
            Column("已超期", "bool"),
            Column("整改情况"),
        ],
        rows,
    )


def problems_word(report: WordReport, figures: Figures) -> None:
    report.table(PROBLEM_HEADERS[figures.problem_source], problem_rows(figures))
    deflected = figures.deflections
    if deflected.get("applies"):
        report.paragraph(
            f"本期通过常见问题解答（FAQ）自助解决、未提交工单{deflected['total']}次。",
            keep_with_next=bool(deflected["faqs"]),
        )
        if deflected["faqs"]:
            report.table(
                ["常见问题", "自助解决次数"],
                [[row["title"], row["n"]] for row in deflected["faqs"]],
            )
    for advice in recommendations(figures):
        report.bullet(advice)


def problems_sheets(book: WorkbookReport, figures: Figures) -> None:
    header = PROBLEM_HEADERS[figures.problem_source]
    book.sheet(
        "高发问题",
        [Column(header[0]), Column(header[1]), Column(header[2], "int")],
        problem_rows(figures),
    )
    book.sheet(
        "FAQ自助解决",
        [Column("常见问题"), Column("自助解决次数", "int")],
        [[row["title"], row["n"]] for row in figures.deflections.get("faqs", [])],
    )


def operators_word(report: WordReport, figures: Figures) -> None:
    report.table(
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


def operators_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        "运维人员",
        [
            Column("运维人员"),
            Column("解决", "int"),
            Column("达标率", "percent"),
            Column("解决中位数（工作时 时:分）", "minutes"),
            Column("期末在办", "int"),
        ],
        [
            [o["name"], o["resolved"], o["compliance"], o["p50"], o["open"]]
            for o in figures.operators
        ],
    )


OVERDUE_SHEET = "超期"


def overdue_row(clock) -> list:
    return [
        clock.ticket_id,
        clock.ticket.title,
        clock.region_name,
        clock.ticket.details.department.name if clock.ticket.details.department else "",
        local(clock.due_at),
        bool(clock.stopped_at),
    ]


def overdue_word(report: WordReport, figures: Figures) -> None:
    items = figures.overdue["items"]
    if not items:
        report.paragraph("本期无超期工单。")
        return
    report.listed(
        ["工单", "地区", "部门", "到期时间", "已解决"],
        [
            [
                f"#{c.ticket_id} {c.ticket.title}",
                c.region_name,
                c.ticket.details.department.name if c.ticket.details.department else "",
                f"{timezone.localtime(c.due_at):%Y-%m-%d %H:%M}" if c.due_at else "—",
                "是" if c.stopped_at else "否",
            ]
            for c in items
        ],
        figures.overdue["total"],
        OVERDUE_SHEET,
    )


def overdue_sheets(book: WorkbookReport, figures: Figures) -> None:
    book.sheet(
        OVERDUE_SHEET,
        [
            Column("工单", "int"),
            Column("标题"),
            Column("地区"),
            Column("部门"),
            Column("到期时间", "datetime"),
            Column("已解决", "bool"),
        ],
        (overdue_row(c) for c in selectors.overdue_list(figures.filters, figures.now).iterator()),
    )


for _section in (
    Section("overview", "总体情况", 100, overview_word, overview_sheets),
    Section("weak_spots", "弱项短板分析", 200, weak_spots_word, weak_spots_sheets),
    Section("volume", "工单量与趋势", 300, volume_word, volume_sheets),
    Section("times", "响应与解决时效", 400, times_word, times_sheets),
    Section("breaches", "超时与升级", 500, breaches_word, breaches_sheets),
    Section("backlog", "积压与超期", 600, backlog_word, backlog_sheets),
    Section("emergencies", "应急事件与故障处理记录", 700, emergencies_word, emergencies_sheets),
    Section("satisfaction", "满意度与差评回访", 800, satisfaction_word, satisfaction_sheets),
    Section("problems", "高发问题与改进建议", 900, problems_word, problems_sheets),
    Section("operators", "运维人员工作情况", 1000, operators_word, operators_sheets),
    Section("overdue", "超期工单清单", 100, overdue_word, overdue_sheets, appendix=True),
):
    sections.register(_section)


def signature() -> Signature:
    return Signature(
        organisation=settings.REPORT_OPERATING_ORGANISATION,
        client=settings.REPORT_CLIENT,
        copy_to=tuple(settings.REPORT_COPY_TO),
    )


def caption(figures: Figures) -> str:
    """The report, its period and region, e.g. on every sheet's title row."""
    return (
        f"{report_title(figures)} · {figures.filters.period.title} · {figures.filters.region.name}"
    )


def build_docx(figures: Figures) -> bytes:
    period, region = figures.filters.period, figures.filters.region
    report = WordReport(
        report_title(figures), signature(), figures.now, settings.REPORT_WORD_LIST_ROWS
    )
    report.cover(
        [
            f"报告期：{period.title}",
            f"范围：{region.name}",
            f"报送：{settings.REPORT_CLIENT}",
            f"编制：{settings.REPORT_OPERATING_ORGANISATION}",
            date_text(figures),
        ]
    )
    parts = [s for s in sections.ordered(period.kind) if s.word]
    for section, title in zip(parts, sections.numbered_titles(parts), strict=True):
        report.heading(title, level=1)
        section.word(report, figures)
    report.closing(date_text(figures))
    return report.save()


def build_xlsx(figures: Figures) -> bytes:
    """The tables of every part, one sheet each, complete lists included."""
    book = WorkbookReport(caption(figures))
    for section in sections.ordered(figures.filters.period.kind):
        if section.workbook:
            section.workbook(book, figures)
    return book.save()
