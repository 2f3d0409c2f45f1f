import datetime as dt

from sla import clock_text


def test_remaining_working_time_reads_in_hours_and_minutes():
    assert clock_text.remaining(135, around_the_clock=False) == "剩余 2 小时 15 分（工作时间）"


def test_under_an_hour_shows_minutes_only():
    assert clock_text.remaining(45, around_the_clock=False) == "剩余 45 分（工作时间）"


def test_overdue_reads_as_overdue_not_negative():
    assert clock_text.remaining(-65, around_the_clock=False) == "超时 1 小时 5 分（工作时间）"


def test_around_the_clock_says_so():
    assert clock_text.remaining(60, around_the_clock=True) == "剩余 1 小时 0 分（全天计时）"


def test_english_when_the_page_is_english():
    assert (
        clock_text.remaining(135, around_the_clock=False, language="en")
        == "2 h 15 min left (working time)"
    )


def test_instant_is_shanghai_wall_clock_whatever_the_zone_given():
    at = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
    assert clock_text.instant(at) == "2026-12-03 17:30"
    assert clock_text.instant(None) == "—"
