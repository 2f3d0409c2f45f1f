"""The analysis rules, tested directly (no database)."""

import datetime as dt

import pytest

from indicators import analysis, periods
from indicators.analysis import CountyScores, Node, Tree

TREE = Tree(
    (
        Node("A", "服务成效度", weight=60, target=80, order=0),
        Node("A1", "服务便捷度", parent="A", weight=50, order=1, subsystem="tianfu_app"),
        Node("A2", "好差评", parent="A", weight=50, order=2),
        Node("B", "办理成熟度", weight=40, order=10, subsystem="case_handling"),
        Node("B1", "全程网办率", parent="B", weight=100, order=11),
    )
)


def test_level_one_and_overall_are_weighted_means_of_the_scored_children():
    scores = analysis.roll_up(TREE, {"A1": 90, "A2": 70, "B1": 50})
    assert scores["A"] == 80
    assert scores["B"] == 50
    assert scores[analysis.TOTAL] == pytest.approx(0.6 * 80 + 0.4 * 50)


def test_a_level_one_indicator_without_scored_children_has_no_score():
    scores = analysis.roll_up(TREE, {"A1": 90})
    assert "B" not in scores
    assert scores[analysis.TOTAL] == 90  # A alone (A2 missing: A1 alone)


def test_different_full_marks_compare_as_percentages():
    tree = Tree(
        (Node("A", "甲"), Node("A1", "甲一", "A", 1, full_marks=10), Node("A2", "甲二", "A", 1))
    )
    assert analysis.roll_up(tree, {"A1": 5, "A2": 100})["A"] == 75


def test_ranking_shares_equal_scores_and_skips_the_next_rank():
    assert analysis.rank({"a": 90, "b": 85.001, "c": 85.004, "d": 70}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }


def test_ranking_puts_unscored_counties_last_in_code_order():
    rows = analysis.ranking(
        TREE,
        {"513301": "康定市", "513322": "泸定县", "513323": "丹巴县"},
        {"513322": {"A1": 90, "A2": 90, "B1": 90}, "513301": {"A1": 50, "A2": 50, "B1": 50}},
    )
    assert [r.code for r in rows] == ["513322", "513301"]
    assert rows[0].ranks[analysis.TOTAL] == 1 and rows[1].ranks["B1"] == 2


def _row(code, **scores):
    return CountyScores(code, code, analysis.roll_up(TREE, scores), {})


def test_weakest_are_the_leaves_furthest_below_the_mean():
    row = CountyScores("x", "x", {"A1": 60, "A2": 79, "B1": 90}, {"A1": 18, "A2": 10, "B1": 1})
    means = {"A1": 80, "A2": 80, "B1": 70}
    weak = analysis.weakest(TREE, row, means)
    assert [w.key for w in weak] == ["A1", "A2"]  # B1 is above the mean
    assert weak[0].gap == -20 and weak[0].parent_name == "服务成效度"
    assert weak[0].subsystem == "tianfu_app"
    # A leaf without a subsystem of its own takes its parent's.
    assert analysis.weakest(TREE, CountyScores("x", "x", {"B1": 1}, {}), {"B1": 2})[
        0
    ].subsystem == ("case_handling")


def test_equal_gaps_put_the_lower_rank_first():
    row = CountyScores("x", "x", {"A1": 70, "A2": 70}, {"A1": 3, "A2": 9})
    weak = analysis.weakest(TREE, row, {"A1": 80, "A2": 80})
    assert [w.key for w in weak] == ["A2", "A1"]


def test_biggest_falls_first_and_only_real_falls():
    before = [_row("513301", A1=90, A2=90, B1=90), _row("513322", A1=80, A2=80, B1=80)]
    after = [_row("513301", A1=70, A2=90, B1=89.995), _row("513322", A1=80, A2=70)]
    falls = analysis.falls(TREE, after, before)
    keys = [(f.code, f.key) for f in falls]
    # 康定 A1 −20 comes first; a drop under 0.01 is none; 泸定's B1 is
    # missing this period, so it is no fall.
    assert keys[0] == ("513301", "A1")
    assert ("513301", "B1") not in keys and ("513322", "B1") not in keys
    assert ("513322", "A2") in keys
    assert all(f.change < 0 for f in falls)
    changes = [f.change for f in falls]
    assert changes == sorted(changes)


def test_equal_falls_are_ordered_by_county_then_tree():
    before = [_row("513322", A1=90, A2=90, B1=90), _row("513301", A1=90, A2=90, B1=90)]
    after = [_row("513322", A1=80, A2=90, B1=90), _row("513301", A1=80, A2=90, B1=90)]
    falls = analysis.falls(TREE, after, before)
    assert [(f.code, f.key) for f in falls if f.change == -10] == [
        ("513301", "A1"),
        ("513322", "A1"),
    ]


def test_prefecture_against_targets():
    gaps = analysis.against_targets(TREE, {"A": 79.995, analysis.TOTAL: 70})
    assert [(g.key, g.met) for g in gaps] == [("A", True)]
    assert analysis.against_targets(TREE, {})[0].met is None
    assert analysis.against_targets(TREE, {"A": 70})[0].met is False


def test_heat_marks_the_last_three_strongest_then_below_the_mean():
    assert analysis.heat(18, 18, 60, 80) == 2
    assert analysis.heat(16, 18, 79, 80) == 2
    assert analysis.heat(10, 18, 79, 80) == 1
    assert analysis.heat(1, 18, 90, 80) == 0
    assert analysis.heat(None, 18, None, 80) == 0


def test_trend_gives_each_change_from_the_last_known_point():
    points = analysis.trend([("1月", 80), ("2月", None), ("3月", 75)])
    assert [p.change for p in points] == [None, None, -5]


def test_ticket_evidence_explains_only_above_the_counties_mean():
    weak = [analysis.Weak("B1", "全程网办率", "办理成熟度", 50, 80, 18, "case_handling")]
    found = analysis.ticket_evidence(weak, {"case_handling": 12}, {"case_handling": 36}, 18)
    assert found[0].faults == 12 and found[0].county_mean == 2 and found[0].explains
    alone = analysis.ticket_evidence(weak, {"case_handling": 12}, None, 18)
    assert alone[0].county_mean is None and not alone[0].explains


def test_a_proposal_names_the_figures_and_the_faults():
    weak = analysis.Weak("B1", "全程网办率", "办理成熟度", 50, 80, 18, "case_handling")
    evidence = analysis.TicketEvidence(weak, 12, 2.0)
    proposal = analysis.propose("泸定县", "2026年10月", weak, evidence, "综合受办平台")
    assert proposal.title == "泸定县全程网办率偏低"
    assert (
        "低于全州平均80.00" in proposal.problem and "综合受办平台故障工单12件" in proposal.problem
    )
    assert "综合受办平台" in proposal.approach


@pytest.mark.parametrize(
    "slug,title,start,end",
    [
        ("month-2026-10", "2026年10月", dt.date(2026, 10, 1), dt.date(2026, 11, 1)),
        ("month-2026-12", "2026年12月", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
        ("quarter-2026-3", "2026年第三季度", dt.date(2026, 7, 1), dt.date(2026, 10, 1)),
        ("year-2026", "2026年", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ],
)
def test_periods_by_slug(slug, title, start, end):
    period = periods.parse(slug)
    assert (period.title, period.start, period.end, period.slug) == (title, start, end, slug)


@pytest.mark.parametrize(
    "slug", ["", "month-2026-13", "week-2026-1", "year-2026-1", "quarter-2026-5", "month-x-1"]
)
def test_malformed_period_slugs_are_refused(slug):
    with pytest.raises(ValueError):
        periods.parse(slug)


def test_previous_periods_cross_the_year():
    assert periods.parse("month-2026-1").previous().slug == "month-2025-12"
    assert periods.parse("quarter-2026-1").previous().slug == "quarter-2025-4"
    assert [m.slug for m in periods.parse("quarter-2026-2").months()] == [
        "month-2026-4",
        "month-2026-5",
        "month-2026-6",
    ]
