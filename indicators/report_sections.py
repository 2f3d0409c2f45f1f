"""The indicator analysis in the monthly and annual reports: a Word section
(评估指标分析) and a sheet (评估指标排名). Text is Chinese, the contract's
language; each function takes the report's `reporting.selectors.Figures`.

A monthly report reads the month's figures; an annual report the year's,
or, when the province has published none for the year, its latest month."""

from indicators import analysis, periods, selectors
from reporting.sections import Section
from reporting.xlsx_layout import Column

FALL_HEADERS = ["县（市）", "指标", "上期", "本期", "变化"]
FALL_SHARES = [2.2, 3.0, 1.4, 1.4, 1.4]


def indicator_period(report_period) -> periods.Period | None:
    if report_period.kind == "month":
        return periods.Period(periods.Kind.MONTH, report_period.start)
    year = periods.Period(periods.Kind.YEAR, report_period.start)
    if selectors.figures(year):
        return year
    months = [
        p
        for p in selectors.periods_with_figures(periods.Kind.MONTH)
        if p.year == report_period.start.year
    ]
    return months[0] if months else year


def _parts(figures):
    period = indicator_period(figures.filters.period)
    region = figures.filters.region
    standing = selectors.standing(period)
    prefix = region.subtree_prefix
    rows = [r for r in standing.rows if r.code.startswith(prefix)]
    falls = standing.falls(limit=10, codes={r.code for r in rows})
    signed = list(
        selectors.signed_findings_in(
            region, figures.filters.period.start, figures.filters.period.end
        )
    )
    return period, standing, rows, falls, signed


def _score(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def summary(period, standing, rows) -> str:
    if not rows:
        return f"{period.title}未导入省级评估指标数据。"
    total = standing.means.get(analysis.TOTAL)
    text = f"{period.title}全州{len(standing.rows)}个县（市）综合得分平均{_score(total)}分。"
    missed = [t for t in analysis.against_targets(standing.tree, standing.means) if t.met is False]
    if missed:
        text += (
            "未达到省定目标的指标："
            + "、".join(f"{t.name}（{_score(t.value)}，目标{t.target:g}）" for t in missed)
            + "。"
        )
    if len(rows) > 1:
        text += f"排名第一：{rows[0].name}（{_score(rows[0].scores.get(analysis.TOTAL))}分）；"
        text += f"排名末位：{rows[-1].name}（{_score(rows[-1].scores.get(analysis.TOTAL))}分）。"
    else:
        text += f"{rows[0].name}综合得分{_score(rows[0].scores.get(analysis.TOTAL))}分，"
        text += f"全州排名第{rows[0].ranks.get(analysis.TOTAL, '—')}。"
    return text


def rank_headers(standing) -> list[str]:
    return ["排名", "县（市）", "综合得分", *(r.name for r in standing.tree.roots)]


def rank_row(standing, row) -> list:
    return [
        row.ranks.get(analysis.TOTAL),
        row.name,
        *(row.scores.get(k) for k in [analysis.TOTAL, *(r.key for r in standing.tree.roots)]),
    ]


def word(report, figures) -> None:
    period, standing, rows, falls, signed = _parts(figures)
    report.paragraph(summary(period, standing, rows))
    if not rows:
        return
    headers = rank_headers(standing)
    report.table(
        headers,
        [
            [str(r[0] or "—"), r[1], *(_score(v) for v in r[2:])]
            for r in (rank_row(standing, row) for row in rows)
        ],
        [1.0, 2.0] + [1.6] * (len(headers) - 2),
    )
    report.paragraph(f"较{period.previous().title}降幅最大的指标：", keep_with_next=True)
    report.table(
        FALL_HEADERS,
        [[f.county, f.name, _score(f.before), _score(f.after), f"{f.change:+.2f}"] for f in falls],
        FALL_SHARES,
    )
    report.paragraph("经审定的问题及解决思路：", keep_with_next=True)
    if not signed:
        report.paragraph("本期无经审定的问题。")
    for finding in signed:
        report.bullet(
            f"【{finding.region.name}】{finding.title}：{finding.problem}"
            f"解决思路：{finding.approach}"
            f"（{finding.signed_by.display_name() if finding.signed_by else '—'}"
            f"于{finding.signed_at:%Y-%m-%d}审定）"
        )


def workbook(book, figures) -> None:
    _period, standing, rows, falls, _signed = _parts(figures)
    book.sheet(
        "评估指标排名",
        [Column("排名", "int"), Column("县（市）")]
        + [Column(h, "number") for h in rank_headers(standing)[2:]],
        (rank_row(standing, row) for row in rows),
    )
    book.sheet(
        "评估指标降幅",
        [Column(h) for h in FALL_HEADERS[:2]] + [Column(h, "number") for h in FALL_HEADERS[2:]],
        ([f.county, f.name, f.before, f.after, f.change] for f in falls),
    )


SECTION = Section(
    "indicators",
    "评估指标分析",
    1150,
    word=word,
    workbook=workbook,
    dashboard_template="indicators/dashboard_card.html",
    kinds=("month", "year"),
)
