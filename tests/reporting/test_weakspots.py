"""The weak-spot rule, directly (no Django)."""

import pytest

from reporting.weakspots import (
    MIN_SAMPLE,
    Group,
    advice_sentence,
    cause_sentence,
    main_stage,
    points_phrase,
    ranking,
    weakest,
    wilson_lower,
)


def group(key, resolved, met, **more):
    return Group("department", key, key, filed=resolved, resolved=resolved, met=met, **more)


def test_wilson_lower_bound_is_below_the_rate_and_tightens_with_the_sample():
    assert wilson_lower(0, 0) is None
    assert wilson_lower(0, 114) == 0.0
    assert wilson_lower(10, 10) == pytest.approx(0.7225, abs=1e-4)
    assert wilson_lower(8, 10) == pytest.approx(0.4902, abs=1e-4)
    # The same rate on more tickets is surer, so its lower bound is higher.
    assert wilson_lower(80, 100) > wilson_lower(8, 10)
    assert 0 < wilson_lower(80, 100) < 0.8


def test_a_small_group_is_not_ranked_however_bad_it_looks():
    tiny = group("两件全超时", resolved=2, met=0)
    big = group("百件九成", resolved=100, met=90)
    assert [g.key for g in ranking([tiny, big])] == ["百件九成"]
    assert not tiny.ranked and big.ranked
    assert len(ranking([group("x", MIN_SAMPLE, 0)])) == 1


def test_the_weakest_are_ordered_by_lower_bound_and_exclude_groups_with_no_miss():
    groups = [
        group("全部达标", resolved=50, met=50),
        group("十中八", resolved=10, met=8),  # 80 % on few tickets: lower bound 0.49
        group("百中七十", resolved=100, met=70),  # 70 % on many: lower bound 0.60
        group("应急零达标", resolved=114, met=0),
    ]
    assert [g.key for g in weakest(groups)] == ["应急零达标", "十中八", "百中七十"]
    assert [g.key for g in weakest(groups, limit=1)] == ["应急零达标"]


def test_change_is_in_percentage_points_against_the_previous_span():
    now = group("x", resolved=20, met=15, previous_resolved=10, previous_met=9)
    assert now.change == pytest.approx(-0.15)
    assert points_phrase(now.change) == "下降15.0个百分点"
    assert points_phrase(group("y", resolved=5, met=5).change) == "无可比数据"
    assert points_phrase(0.0) == "持平"


def test_the_cause_names_the_stage_where_most_late_tickets_went_wrong():
    causes = {"response": 2, "waited": 1, "resolution": 9, "target": 240}
    assert main_stage(causes) == "resolution"
    assert cause_sentence(causes) == (
        "未达标工单中首次响应即已超时2件，曾暂停计时等待1件，响应及时但解决超时9件，"
        "以“响应及时但解决超时”为主。"
    )
    advice = advice_sentence("县（市）“德格县”", "解决时限（4.0小时目标）", 12, causes)
    assert advice.startswith(
        "县（市）“德格县”：解决时限（4.0小时目标）未达标12件，其中响应及时但解决超时9件"
    )
    # Two weak groups with different causes get different advice.
    other = advice_sentence("子系统“电子印章”", "解决时限", 5, {"response": 5})
    assert "值守与派单" in other and "值守与派单" not in advice
    assert main_stage({"response": 0, "waited": 0, "resolution": 0}) is None
    assert cause_sentence({}) == ""


def test_a_department_holding_all_its_countys_tickets_is_named_once():
    county = Group("county", "513330", "德格县", 209, 209, 192)
    only = Group("department", "7", "德格县政务服务中心", 209, 209, 192, parent="513330")
    part = Group("department", "8", "某乡便民服务中心", 20, 20, 15, parent="513330")
    assert [g.key for g in weakest([county, only, part])] == ["8", "513330"]
