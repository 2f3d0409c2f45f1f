import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting import stats
from reporting.periods import (
    SHANGHAI,
    FuturePeriod,
    Kind,
    as_of,
    containing,
    last_completed,
    trend_buckets,
)


def test_sunday_2330_in_shanghai_belongs_to_the_week_it_ends():
    sunday_night = dt.datetime(2025, 11, 16, 23, 30, tzinfo=SHANGHAI)
    week = containing("week", sunday_night.date())
    start, end = week.instants()
    assert (week.start, week.end) == (dt.date(2025, 11, 10), dt.date(2025, 11, 17))
    assert start <= sunday_night < end
    # In UTC it is 15:30 on Sunday; the period ends at 16:00 UTC, not at midnight UTC.
    assert end.astimezone(dt.UTC) == dt.datetime(2025, 11, 16, 16, 0, tzinfo=dt.UTC)
    assert week.title == "2025年第46周（2025-11-10至2025-11-16）"


def test_the_scheduled_periods_are_the_ones_just_ended():
    monday = dt.date(2026, 1, 5)
    assert last_completed("week", monday).start == dt.date(2025, 12, 29)
    assert last_completed("month", dt.date(2026, 3, 1)).start == dt.date(2026, 2, 1)
    assert last_completed("month", dt.date(2026, 3, 1)).end == dt.date(2026, 3, 1)
    assert last_completed("year", dt.date(2026, 1, 1)).start == dt.date(2025, 1, 1)


def test_trend_buckets_are_days_or_months():
    assert len(trend_buckets(containing("month", dt.date(2024, 2, 10)))) == 29
    assert trend_buckets(containing("year", dt.date(2024, 2, 10)))[-1] == dt.date(2024, 12, 1)


@given(
    st.sampled_from(list(Kind)),
    st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2999, 12, 1)),
)
def test_every_day_lies_in_one_period_that_adjoins_the_previous(kind, day):
    period = containing(kind, day)
    assert period.start <= day < period.end
    assert period.previous().end == period.start
    assert containing(kind, period.end).start == period.end


def test_percentile_matches_postgres_percentile_cont():
    assert stats.percentile([10, 30, 60], 0.5) == 30
    assert stats.percentile([10, 30, 60], 0.9) == pytest.approx(54)
    assert stats.percentile([240, 1560], 0.5) == 900
    with pytest.raises(ValueError):
        stats.percentile([], 0.5)


def test_phrases():
    assert stats.change_phrase(0.25) == "较上期上升25.0%"
    assert stats.change_phrase(-0.5) == "较上期下降50.0%"
    assert stats.change_phrase(None) == "上期无可比数据"
    assert stats.hours(45) == "45分钟" and stats.hours(90) == "1.5小时"


def test_totals_sum_grouped_counts_by_a_key():
    groups = [
        {"county": "513301", "category": "fault", "n": 2},
        {"county": "513301", "category": "support", "n": 1},
        {"county": "513322", "category": "fault", "n": 4},
    ]
    assert stats.totals(groups, "county") == {"513301": 3, "513322": 4}
    assert stats.totals(groups, lambda g: g["category"]) == {"fault": 6, "support": 1}
    assert stats.totals([], "county") == {}


def test_an_unfinished_week_is_compared_with_the_same_weekdays_of_last_week():
    wednesday = dt.date(2026, 12, 2)
    week = as_of(containing("week", wednesday), wednesday)
    assert week.unfinished and week.until == dt.date(2026, 12, 3)
    assert week.title.endswith("（截至12月2日）")
    _start, end = week.instants()
    assert end == dt.datetime(2026, 12, 3, tzinfo=SHANGHAI)
    before = week.comparable()
    assert (before.start, before.until) == (dt.date(2026, 11, 23), dt.date(2026, 11, 26))
    assert len(trend_buckets(week)) == 3
    # The span chosen for the comparison stays that span when read later on.
    assert as_of(before, dt.date(2026, 12, 20)) == before


def test_the_year_to_date_is_compared_with_the_same_days_of_last_year():
    year = as_of(containing("year", dt.date(2026, 3, 1)), dt.date(2026, 3, 1))
    before = year.comparable()
    assert (before.start, before.until) == (dt.date(2025, 1, 1), dt.date(2025, 3, 2))
    # No December drawn as 0 while the year has reached only March.
    assert trend_buckets(year)[-1] == dt.date(2026, 3, 1)
    leap = as_of(containing("year", dt.date(2028, 2, 29)), dt.date(2028, 2, 29))
    assert leap.comparable().until == dt.date(2027, 3, 1)


def test_a_finished_period_is_compared_with_the_whole_previous_one():
    month = as_of(containing("month", dt.date(2026, 10, 15)), dt.date(2026, 12, 3))
    assert not month.unfinished and "截至" not in month.title
    assert month.comparable() == containing("month", dt.date(2026, 9, 1))
    # A month to date against a shorter month is cut at that month's end.
    march = as_of(containing("month", dt.date(2026, 3, 30)), dt.date(2026, 3, 30))
    assert march.comparable().until == dt.date(2026, 3, 1)


def test_a_period_that_has_not_begun_is_refused():
    with pytest.raises(FuturePeriod):
        as_of(containing("month", dt.date(2027, 1, 5)), dt.date(2026, 12, 3))
