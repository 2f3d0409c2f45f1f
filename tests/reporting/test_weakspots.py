"""The weak-spot rule, directly (no Django)."""

import pytest

from sla.reporting.weakspots import MIN_SAMPLE, Group, points_phrase, ranking, weakest, wilson_lower


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
