"""Training's part of the period reports (培训情况): rounds against the plan,
attendance by region level and department, where training is needed and
what past sessions changed. Text is Chinese, the contract's language."""

from django.utils import timezone

from reporting.sections import Section
from reporting.xlsx_layout import Column
from training import selectors
from training.models import TrainingPlan
from training.wording import effect_verdict

SESSION_HEADERS = ["培训名称", "时间", "形式", "涉及子系统", "应到", "实到", "签到率"]
SESSION_SHARES = [4.0, 2.6, 1.4, 3.2, 1.0, 1.0, 1.4]
NEEDS_HEADERS = ["部门", "子系统", "工单", "咨询", "“如何”类", "占比", "建议培训主题"]
NEEDS_SHARES = [3.0, 2.4, 1.0, 1.0, 1.2, 1.2, 4.4]
NEEDS_IN_WORD = 5


def _percent(part, whole) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def _parts(figures):
    filters = figures.filters
    start, end = filters.period.instants()
    cutoff = min(figures.now, end)
    region = filters.region
    plans = list(
        TrainingPlan.objects.filter(
            region__code__startswith=region.subtree_prefix, year=filters.period.start.year
        ).select_related("region")
    )
    sessions = list(selectors.sessions_in(region, start, end).prefetch_related("subsystems"))
    recent = selectors.sessions_in(region, start - selectors.EFFECT_WINDOW, end).filter(
        ends_at__lte=cutoff
    )
    return {
        "plans": [(p, selectors.plan_standing(p, cutoff)) for p in plans],
        "sessions": sessions,
        "rows": [_session_row(s) for s in sessions],
        "attendance": selectors.attendance_by(sessions),
        "needs": selectors.training_needs(region, start, end),
        "effects": [(s, selectors.session_effect(s, cutoff)) for s in recent],
    }


def _session_row(session) -> list:
    (level_rows, _departments) = selectors.attendance_by([session])
    invited = sum(g.invited for g in level_rows)
    present = sum(g.present for g in level_rows)
    start = timezone.localtime(session.starts_at)
    return [
        session.title,
        f"{start:%Y-%m-%d %H:%M}",
        session.get_form_display(),
        "、".join(s.name for s in session.subsystems.all()) or "—",
        invited,
        present,
        _percent(present, invited),
    ]


def plan_sentence(plan, standing) -> str:
    text = (
        f"{plan.year}年{plan.region.name}培训计划要求全年至少{standing.floor}期，"
        f"截至本期末已举办{standing.held}期，另已安排{standing.scheduled}期"
    )
    if standing.met:
        return text + "，已达到全年要求。"
    if standing.shortfall == 0:
        return text + "，按计划可达到全年要求。"
    text += f"，尚差{standing.shortfall}期未安排，剩余{standing.working_days_left}个工作日"
    if standing.at_risk:
        return text + "，存在完不成全年培训轮次的风险，请尽快安排。"
    return text + "。"


def word(report, figures) -> None:
    parts = _parts(figures)
    report.heading("培训计划完成情况", level=2)
    if parts["plans"]:
        for plan, standing in parts["plans"]:
            report.paragraph(plan_sentence(plan, standing))
    else:
        report.paragraph("本年度尚未制定培训计划。")
    report.paragraph(f"本期举办培训{len(parts['sessions'])}期：")
    report.table(SESSION_HEADERS, parts["rows"], SESSION_SHARES)
    report.heading("参训情况", level=2)
    by_level, by_department = parts["attendance"]
    report.table(
        ["行政区划层级", "应到", "实到", "签到率"],
        [[g.label, g.invited, g.present, _percent(g.present, g.invited)] for g in by_level],
    )
    report.table(
        ["部门", "应到", "实到", "签到率"],
        [[g.label, g.invited, g.present, _percent(g.present, g.invited)] for g in by_department],
    )
    report.heading("培训需求", level=2)
    needs = parts["needs"][:NEEDS_IN_WORD]
    report.paragraph(
        "按部门和子系统统计咨询类工单及反复出现的“如何操作”类工单占比，排在前列的建议优先安排培训："
    )
    report.table(NEEDS_HEADERS, [_need_row(r) for r in needs], NEEDS_SHARES)
    report.heading("培训成效", level=2)
    if parts["effects"]:
        for session, effect in parts["effects"]:
            report.paragraph(f"“{session.title}”：{effect_verdict(effect)}")
    else:
        report.paragraph("本期及前三个月内无已结束的培训，暂无成效数据。")


def _need_row(row) -> list:
    need = row.need
    return [
        str(row.department),
        row.subsystem.name,
        need.tickets,
        need.consultations,
        need.how_to,
        _percent(need.needing, need.tickets),
        "；".join(row.topics),
    ]


def workbook(book, figures) -> None:
    parts = _parts(figures)
    book.sheet(
        "培训",
        [Column(h, "int" if h in ("应到", "实到") else "text") for h in SESSION_HEADERS],
        parts["rows"],
    )
    book.sheet(
        "培训需求",
        [Column(h, "int" if h in ("工单", "咨询", "“如何”类") else "text") for h in NEEDS_HEADERS],
        [_need_row(r) for r in parts["needs"]],
    )


SECTION = Section("training", "培训情况", 1050, word=word, workbook=workbook)
