"""When runs fall due and what is abnormal: the pure rules."""

import datetime as dt
from decimal import Decimal

import pytest

from inspections import rules
from inspections.rules import AnswerKind, Frequency, Thresholds
from sla import business_time as bt

CALENDAR = bt.Calendar()


def working(day: dt.date) -> bool:
    return bool(CALENDAR.periods_on(day))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_daily_runs_skip_weekends_and_holidays_and_count_adjusted_working_saturdays():
    days = [
        due
        for _start, due in rules.due_runs(
            Frequency.DAILY, d("2026-09-26"), d("2026-10-12"), working
        )
    ]
    # 9-26 (Sat) is off; National Day 10-01…10-07 off; 10-10 (Sat) is a 调休 working day.
    assert days == [
        d("2026-09-28"),
        d("2026-09-29"),
        d("2026-09-30"),
        d("2026-10-08"),
        d("2026-10-09"),
        d("2026-10-10"),
        d("2026-10-12"),
    ]


def test_a_weekly_run_moves_to_the_next_working_day_of_its_week():
    runs = rules.due_runs(Frequency.WEEKLY, d("2026-09-28"), d("2026-10-18"), working, weekday=1)
    assert runs == [
        (d("2026-09-28"), d("2026-09-28")),  # Monday
        (d("2026-10-05"), d("2026-10-08")),  # the holiday week: Thursday
        (d("2026-10-12"), d("2026-10-12")),
    ]


def test_a_weekly_run_falls_back_to_an_earlier_working_day_and_a_week_off_has_none():
    # Friday 2026-10-02 is a holiday and the rest of that week too: no later day, no earlier one.
    assert rules.due_day(Frequency.WEEKLY, d("2026-09-28"), working, weekday=5) == d("2026-09-30")
    # The Spring Festival week of 2026 (02-16…02-22) has no working day at all.
    assert rules.due_day(Frequency.WEEKLY, d("2026-02-16"), working, weekday=1) is None


def test_a_monthly_run_takes_its_day_or_the_next_working_one_in_the_month():
    assert rules.due_day(Frequency.MONTHLY, d("2026-10-01"), working, day_of_month=1) == d(
        "2026-10-08"
    )
    assert rules.due_day(Frequency.MONTHLY, d("2026-02-01"), working, day_of_month=16) == d(
        "2026-02-24"
    )
    # Day 31 of a 30-day month is its last day; 2026-09-30 is a Wednesday.
    assert rules.due_day(Frequency.MONTHLY, d("2026-09-01"), working, day_of_month=31) == d(
        "2026-09-30"
    )
    # 2026-05-31 is a Sunday, the month's last working day is before it.
    assert rules.due_day(Frequency.MONTHLY, d("2026-05-01"), working, day_of_month=31) == d(
        "2026-05-29"
    )


def test_periods_and_lateness():
    assert rules.period_start(Frequency.WEEKLY, d("2026-10-08")) == d("2026-10-05")
    assert rules.period_start(Frequency.MONTHLY, d("2026-10-08")) == d("2026-10-01")
    assert rules.period_end(Frequency.MONTHLY, d("2026-12-01")) == d("2027-01-01")
    assert not rules.is_late(d("2026-10-08"), d("2026-10-08"))
    assert rules.is_late(d("2026-10-08"), d("2026-10-09"))
    assert rules.is_missed(d("2026-10-08"), d("2026-10-09"))


@pytest.mark.parametrize(
    "kind,given,abnormal",
    [
        (AnswerKind.STATUS, {"choice": "abnormal"}, True),
        (AnswerKind.STATUS, {"choice": "normal"}, False),
        (AnswerKind.NUMBER, {"number": Decimal(0)}, True),  # below 1
        (AnswerKind.NUMBER, {"number": Decimal(1)}, False),
        (AnswerKind.NUMBER, {"number": Decimal("10.5")}, True),  # above 10
        (AnswerKind.COUNTY_NUMBERS, {"counts": {"513301": 3, "513322": 11}}, True),
        (AnswerKind.COUNTY_NUMBERS, {"counts": {"513301": 3, "513322": 10}}, False),
        (AnswerKind.TEXT, {"flagged": True}, True),
        (AnswerKind.SCREENSHOT, {"flagged": False}, False),
    ],
)
def test_what_is_abnormal(kind, given, abnormal):
    assert (
        rules.is_abnormal(kind, thresholds=Thresholds(Decimal(10), Decimal(1)), **given) is abnormal
    )


def test_numbers_as_typed_and_thresholds_in_words():
    assert rules.parse_number("１２") == Decimal(12)
    assert rules.parse_number(" 1,200.5 ") == Decimal("1200.5")
    for bad in ("十二", "", "1e999999", "nan"):
        with pytest.raises(ValueError):
            rules.parse_number(bad)
    assert Thresholds(Decimal("8.00"), None).describe() == "≤ 8"
    assert Thresholds(Decimal(20), Decimal("1.5")).describe() == "1.5–20"
    with pytest.raises(ValueError):
        Thresholds(Decimal(1), Decimal(5)).check()
    counts = {"理塘县": 12, "康定市": 3, "稻城县": 15}
    assert rules.breaching_counties(counts, Thresholds(Decimal(8))) == ["稻城县", "理塘县"]
