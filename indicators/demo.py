"""Demo indicator analysis: this year's tree (and last year's, which the
twelve months may reach into), twelve months of made-up figures for the
eighteen counties, imported through the province's sheet as a supervisor
would, with two clearly weak counties — 泸定县 low on 办理成熟度 (its
综合受办 faults are the demo's tickets) and 石渠县 low on 服务成效度 — and
two findings: one signed off, one still a draft. Idempotent."""

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from helpdesk_site.tickets.models import Subsystem
from indicators import analysis, periods, selectors, services, sheet
from indicators.models import Finding, Indicator, Score

# (code, name, weight, target, subsystem, children: (code, name, weight, target, subsystem))
DEFAULT_TREE = (
    ("A", "服务成效度", 30, 85, "", (
        ("A1", "服务便捷度", 40, None, "tianfu_app"),
        ("A2", "用户实用度", 30, None, "branch_site"),
        ("A3", "好差评", 30, 90, "evaluation"),
    )),
    ("B", "办理成熟度", 25, 80, "case_handling", (
        ("B1", "网上可办率", 35, None, "service_items"),
        ("B2", "全程网办率", 35, None, "case_handling"),
        ("B3", "按时办结率", 30, None, "case_handling"),
    )),
    ("C", "服务创新度", 15, None, "", (
        ("C1", "一件事一次办", 50, None, "one_thing"),
        ("C2", "跨域通办", 50, None, ""),
    )),
    ("D", "基础支撑度", 20, None, "", (
        ("D1", "电子证照应用", 40, None, "e_license"),
        ("D2", "电子印章应用", 30, None, "e_seal"),
        ("D3", "事项标准化", 30, None, "service_items"),
    )),
    ("E", "开放共享度", 10, None, "", (
        ("E1", "数据共享", 50, None, "resource_catalog"),
        ("E2", "政务资源编目", 50, None, "resource_catalog"),
    )),
)  # fmt: skip
WEAK = {"513322": "B", "513332": "A"}  # 泸定县: 办理成熟度; 石渠县: 服务成效度
MONTHS = 12


def ensure_tree(year: int) -> None:
    """The default tree for a year that has none."""
    if Indicator.objects.filter(year=year).exists():
        return
    subsystems = {s.code: s for s in Subsystem.objects.all()}
    for order, (code, name, weight, target, subsystem, children) in enumerate(DEFAULT_TREE):
        parent = Indicator.objects.create(
            year=year,
            code=code,
            name=name,
            weight=weight,
            target=target,
            subsystem=subsystems.get(subsystem),
            order=order * 10,
        )
        for i, (c_code, c_name, c_weight, c_target, c_subsystem) in enumerate(children):
            Indicator.objects.create(
                year=year,
                code=c_code,
                name=c_name,
                parent=parent,
                weight=c_weight,
                target=c_target,
                subsystem=subsystems.get(c_subsystem),
                order=order * 10 + i + 1,
            )


def made_up(tree: analysis.Tree, counties, month_index: int) -> dict[str, dict[str, float]]:
    """Steady counties with a little noise, a slow rise over the year, and
    the two weak counties well below the rest on their weak indicator."""
    figures = {}
    for n, code in enumerate(counties):
        rng = random.Random(f"{code}-{month_index}")  # noqa: S311  made-up figures, no secret
        base = 78 if code in WEAK else 81 + (n * 7) % 9
        figures[code] = {}
        for leaf in tree.leaves:
            value = base + month_index * 0.4 + rng.uniform(-3, 3)
            if WEAK.get(code) == leaf.parent:
                value -= 30 + (4 if month_index == MONTHS - 1 else 0)
            figures[code][leaf.key] = round(max(0, min(100, value)), 2)
    return figures


def seed(accounts: dict, now: dt.datetime) -> None:
    today = timezone.localtime(now).date()
    last = periods.containing(periods.Kind.MONTH, today).previous()
    months = periods.series(last, MONTHS)
    for year in sorted({m.year for m in months}):
        ensure_tree(year)
    counties = selectors.counties()
    importer = accounts["gz_supervisor"]
    for index, month in enumerate(months):
        if Score.objects.filter(period_kind=month.kind, period_start=month.start).exists():
            continue
        tree = selectors.tree(month.year)
        content = sheet.build(tree, counties, month.title, made_up(tree, counties, index))
        upload = SimpleUploadedFile(
            f"甘孜州{month.title}指标得分.xlsx",
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        at = timezone.make_aware(dt.datetime.combine(month.end + dt.timedelta(days=9), dt.time(10)))
        services.import_sheet(importer, month, upload, now=min(at, now))
    _findings(accounts, last, now)


def _findings(accounts, period, now) -> None:
    if Finding.objects.exists():
        return
    standing = selectors.standing(period)
    for code, supervisor, sign in (
        ("513322", accounts["gz_supervisor"], True),
        ("513301", accounts["kd_supervisor"], False),
    ):
        row = standing.row(code)
        weak = analysis.weakest(standing.tree, row, standing.means, limit=1) if row else []
        if not weak:
            continue
        proposal = analysis.propose(row.name, period.title, weak[0], None)
        finding = services.draft_finding(
            supervisor,
            selectors.county_or_404(supervisor, code),
            period,
            title=proposal.title,
            problem=proposal.problem,
            approach=proposal.approach,
            indicator=Indicator.objects.get(year=period.year, code=weak[0].key),
            now=now,
        )
        if sign:
            services.sign_finding(supervisor, finding, now=now)
