"""The assessment's arithmetic and the contract's dates, without Django."""

import datetime as dt
from decimal import Decimal

import pytest

from residency import rules
from residency.rules import ItemScore


def test_the_total_is_the_weighted_mean_and_the_pass_mark_counts_as_a_pass():
    items = [ItemScore(30, Decimal(90)), ItemScore(70, Decimal(80))]
    result = rules.total_of(items, Decimal("83"))
    assert result.total == Decimal("83.0") and result.passed
    assert not rules.total_of(items, Decimal("83.1")).passed


def test_an_item_without_data_leaves_the_mean_instead_of_scoring_zero():
    items = [ItemScore(50, Decimal(90)), ItemScore(50, None)]
    assert rules.total_of(items, Decimal(80)).total == Decimal("90.0")
    nothing = rules.total_of([ItemScore(50, None)], Decimal(80))
    assert nothing.total is None and not nothing.passed


def test_data_items_scored_from_rates_and_times_against_target():
    assert rules.score_rate(0.925) == Decimal("92.5")
    assert rules.score_rate(None) is None
    assert rules.score_time(25, 30) == Decimal(100)
    assert rules.score_time(60, 30) == Decimal("50.0")
    assert rules.score_time(None, 30) is None


@pytest.mark.parametrize("value", ["-1", "100.5", "abc", "", "NaN", "Infinity"])
def test_an_assessor_score_outside_0_to_100_is_refused(value):
    with pytest.raises(ValueError):
        rules.check_manual_score(value)


def test_the_deadline_is_seven_calendar_days_holidays_included():
    # National Day week: the 7 days run through the holiday, as the contract says.
    assert rules.retake_due(dt.date(2026, 9, 30)) == dt.date(2026, 10, 7)
    due = dt.date(2026, 10, 7)
    assert not rules.is_missed(due, due) and rules.is_missed(due, dt.date(2026, 10, 8))
    assert rules.in_time(due, due) and not rules.in_time(due, dt.date(2026, 10, 8))


def test_reminders_three_days_and_one_day_before_and_on_the_last_day():
    due = dt.date(2026, 10, 7)
    assert rules.reminders_due(due, dt.date(2026, 10, 3)) == []
    assert rules.reminders_due(due, dt.date(2026, 10, 4)) == [3]
    assert rules.reminders_due(due, dt.date(2026, 10, 6)) == [1]
    assert rules.reminders_due(due, due) == [0]
    assert rules.reminders_due(due, dt.date(2026, 10, 8)) == []


def test_failures_in_a_row_and_a_pass_between_them_resets_the_count():
    assert rules.trailing_failures([False, False, False]) == 3
    assert rules.ends_contract([True, False, False, False])
    assert not rules.ends_contract([False, False, True, False, False])
    assert rules.trailing_failures([False, False, True]) == 0


def test_contract_year_begins_on_its_configured_day():
    assert rules.contract_year(dt.date(2026, 3, 1), 7, 1) == 2025
    assert rules.contract_year(dt.date(2026, 7, 1), 7, 1) == 2026
    assert rules.contract_year(dt.date(2026, 12, 31), 1, 1) == 2026


def test_demo_manual_scores_reach_the_total_asked_for():
    data = [ItemScore(70, Decimal(90))]
    score = rules.manual_score_for(Decimal(80), data, 30)
    assert rules.total_of([*data, ItemScore(30, score)], Decimal(80)).total == Decimal("80.0")
