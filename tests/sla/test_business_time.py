"""The arithmetic against hand-worked cases on real holidays, and its laws."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import business_time as bt
from sla.business_time import Calendar, Season

CAL = Calendar()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=bt.SHANGHAI)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        # A target that ends exactly at the end of a period is due then.
        ("2025-09-30 16:00", 120, "2025-09-30 18:00"),
        ("2025-09-30 11:00", 60, "2025-09-30 12:00"),
        # Lunch and the night do not count.
        ("2025-09-30 11:30", 60, "2025-09-30 14:30"),
        ("2025-09-30 12:30", 30, "2025-09-30 14:30"),
        ("2025-09-29 20:00", 30, "2025-09-30 09:30"),
        # National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 worked.
        ("2025-09-30 16:00", 180, "2025-10-09 10:00"),
        ("2025-09-27 10:00", 60, "2025-09-28 10:00"),
        ("2025-10-10 17:00", 120, "2025-10-11 10:00"),
        ("2025-10-11 17:00", 120, "2025-10-13 10:00"),
        # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked.
        ("2026-02-13 17:00", 120, "2026-02-14 10:00"),
        ("2026-02-14 17:00", 120, "2026-02-24 10:00"),
        ("2026-02-27 17:30", 60, "2026-02-28 09:30"),
    ],
)
def test_due_on_hand_worked_cases(start, minutes, due):
    assert bt.add_working_minutes(at(start), minutes, CAL) == at(due)


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        ("2025-09-30 09:00", "2025-10-09 09:00", 420),
        ("2025-09-27 00:00", "2025-09-29 00:00", 420),  # only Sunday 09-28 counts
        ("2026-02-14 00:00", "2026-03-01 00:00", 420 * 6),  # 02-14, 02-24..27, 02-28
        ("2025-09-30 11:45", "2025-09-30 14:15", 30),
        ("2025-09-30 14:15", "2025-09-30 11:45", -30),
    ],
)
def test_working_minutes_between(a, b, minutes):
    assert bt.working_minutes_between(at(a), at(b), CAL) == minutes


@pytest.mark.parametrize(
    ("end", "minutes", "start"),
    [
        ("2025-10-09 10:00", 180, "2025-09-30 16:00"),  # back across National Day
        ("2025-09-30 14:00", 60, "2025-09-30 11:00"),  # a window's start is not in it
        ("2026-02-24 10:00", 120, "2026-02-14 17:00"),
        ("2025-10-09 10:00", 60, "2025-09-30 18:00"),  # the end of the last period worked
    ],
)
def test_subtracting_working_time_goes_back_across_holidays(end, minutes, start):
    assert bt.subtract_working_time(at(end), dt.timedelta(minutes=minutes), CAL) == at(start)


def test_instants_in_other_time_zones_are_placed_on_shanghai_time():
    utc_start = dt.datetime(2025, 9, 30, 8, 0, tzinfo=dt.UTC)  # 16:00 in Shanghai
    due = bt.add_working_minutes(utc_start, 120, CAL)
    assert due.isoformat() == "2025-09-30T18:00:00+08:00"


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="time zone"):
        bt.add_working_minutes(dt.datetime(2025, 9, 30, 16), 10, CAL)


def test_a_local_day_wins_over_the_national_calendar():
    calendar = Calendar(
        local_days={dt.date(2025, 11, 3): False, dt.date(2025, 10, 8): True}  # Mon off; holiday on
    )
    assert bt.add_working_minutes(at("2025-10-31 17:00"), 120, calendar) == at("2025-11-04 10:00")
    assert calendar.day_status(dt.date(2025, 10, 8)).source == bt.DaySource.LOCAL
    assert bt.add_working_minutes(at("2025-09-30 17:00"), 120, calendar) == at("2025-10-08 10:00")


def test_seasonal_hours_apply_within_their_months():
    summer = Season((6, 1), (8, 31), bt.parse_periods("08:30-12:00, 15:00-18:30"))
    calendar = Calendar(seasons=(summer,))
    assert bt.add_working_minutes(at("2025-07-01 08:00"), 30, calendar) == at("2025-07-01 09:00")
    assert bt.add_working_minutes(at("2025-07-01 11:30"), 60, calendar) == at("2025-07-01 15:30")
    assert bt.add_working_minutes(at("2025-09-01 08:00"), 30, calendar) == at("2025-09-01 09:30")


def test_a_season_may_wrap_the_year_end():
    winter = Season((11, 1), (3, 31), ())
    assert winter.covers(dt.date(2025, 12, 31)) and winter.covers(dt.date(2026, 1, 5))
    assert not winter.covers(dt.date(2026, 4, 1))


def test_around_the_clock_counts_every_minute():
    assert bt.add_working_minutes(at("2025-10-01 23:30"), 60, bt.ALWAYS) == at("2025-10-02 00:30")
    assert bt.working_minutes_between(at("2025-10-01"), at("2025-10-02"), bt.ALWAYS) == 1440


@pytest.mark.parametrize(
    "text", ["9-12", "09:00-08:00", "09:00-12:00, 11:00-13:00", "", "25:00-26:00"]
)
def test_malformed_periods_are_refused(text):
    with pytest.raises(ValueError):
        bt.parse_periods(text)


def test_periods_parse_and_sort():
    assert [str(p) for p in bt.parse_periods("14:00-18:00，09:00-12:00")] == [
        "09:00-12:00",
        "14:00-18:00",
    ]


def test_dates_parse_ranges_in_several_notations():
    dates = bt.parse_dates("2027-02-05..2027-02-07, 2027-10-01 至 2027-10-02\n2027-01-01")
    assert len(dates) == 6 and dt.date(2027, 2, 6) in dates
    for bad in ["2027-02-30", "tomorrow", "2027-02-07..2027-02-05"]:
        with pytest.raises(ValueError):
            bt.parse_dates(bad)


# --- Years the national package does not cover --------------------------------


def test_2027_is_projected_from_the_statutory_holidays_and_provisional():
    assert CAL.is_provisional(2027) and not CAL.is_provisional(2026)
    off = {
        "2027-01-01": "元旦",
        "2027-02-05": "春节",  # 除夕
        "2027-02-08": "春节",  # 初三 falls on Monday
        "2027-04-05": "清明节",
        "2027-05-03": "",  # Monday after 劳动节 (5/1-2 fall on the weekend)
        "2027-06-09": "端午节",
        "2027-09-15": "中秋节",
        "2027-10-01": "国庆节",
    }
    for day, holiday in off.items():
        status = CAL.day_status(dt.date.fromisoformat(day))
        assert status.provisional
        assert status.holiday == holiday
        assert status.working == (not holiday)
    assert CAL.day_status(dt.date(2027, 2, 9)).working  # 初四, no 调休 known yet
    assert not CAL.day_status(dt.date(2027, 2, 6)).working  # Saturday


@pytest.mark.parametrize("year", [2025, 2026])
def test_projection_agrees_with_published_notices(year):
    """Every projected statutory day is off in the year's real notice (the 2024
    revision, with 除夕 off, applies from 2025)."""
    for day in bt.projected_holidays(year):
        assert not bt.national_day_status(day).working, day


def test_an_entered_notice_confirms_a_year_and_wins():
    notice = bt.YearNotice(
        holidays=bt.parse_dates("2027-02-05..2027-02-12"),
        working_days=bt.parse_dates("2027-02-14"),
    )
    calendar = Calendar(notices={2027: notice})
    assert not calendar.is_provisional(2027)
    assert not calendar.day_status(dt.date(2027, 2, 10)).working
    assert calendar.day_status(dt.date(2027, 2, 14)).working
    assert bt.add_working_minutes(at("2027-02-04 17:00"), 120, calendar) == at("2027-02-14 10:00")


def test_years_beyond_the_lunar_tables_do_not_crash():
    status = CAL.day_status(dt.date(2100, 1, 1))
    assert status.provisional and not status.working
    assert bt.add_working_minutes(at("2100-06-01 09:00"), 60, CAL) == at("2100-06-01 10:00")


def test_a_calendar_without_working_time_raises_instead_of_looping():
    calendar = Calendar(local_days={})
    calendar._day_cache.update(
        {dt.date(2025, 1, 1) + dt.timedelta(days=n): () for n in range(bt.SEARCH_LIMIT_DAYS + 1)}
    )
    with pytest.raises(ValueError, match="no working time"):
        bt.add_working_minutes(at("2025-01-01 09:00"), 1, calendar)


# --- Laws ---------------------------------------------------------------------

starts = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=bt.SHANGHAI)
)
amounts = st.integers(min_value=1, max_value=12_000)


@settings(max_examples=300, deadline=None)
@given(start=starts, minutes=amounts)
def test_adding_then_measuring_gives_back_the_minutes(start, minutes):
    due = bt.add_working_minutes(start, minutes, CAL)
    assert bt.working_minutes_between(start, due, CAL) == minutes


@settings(max_examples=200, deadline=None)
@given(end=starts, minutes=amounts)
def test_subtracting_then_measuring_gives_back_the_minutes(end, minutes):
    start = bt.subtract_working_time(end, dt.timedelta(minutes=minutes), CAL)
    assert bt.working_minutes_between(start, end, CAL) == minutes
    # The end of a working second, as a due instant is.
    assert bt.is_working_instant(start - dt.timedelta(seconds=1), CAL)


@settings(max_examples=300, deadline=None)
@given(start=starts, minutes=amounts)
def test_due_instants_never_fall_in_non_working_time(start, minutes):
    due = bt.add_working_minutes(start, minutes, CAL)
    # Due is the end of a working second: the second before it was worked.
    assert bt.is_working_instant(due - dt.timedelta(seconds=1), CAL)


@settings(max_examples=200, deadline=None)
@given(start=starts, a=amounts, b=amounts)
def test_due_is_monotonic_in_the_minutes(start, a, b):
    small, large = sorted((a, b))
    assert bt.add_working_minutes(start, small, CAL) <= bt.add_working_minutes(start, large, CAL)


@settings(max_examples=200, deadline=None)
@given(a=starts, b=starts, minutes=amounts)
def test_due_is_monotonic_in_the_start(a, b, minutes):
    early, late = sorted((a, b))
    assert bt.add_working_minutes(early, minutes, CAL) <= bt.add_working_minutes(late, minutes, CAL)
