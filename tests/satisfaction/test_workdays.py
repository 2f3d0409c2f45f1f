import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_site.satisfaction.workdays import add_working_days, working_days_between
from sla import business_time as bt

CALENDAR = bt.Calendar()


def test_local_days_off_do_not_count():
    tibetan_new_year = bt.Calendar(local_days={dt.date(2026, 2, 18): False})
    start = dt.datetime(2026, 2, 13, 10, tzinfo=bt.SHANGHAI)  # Friday before 春节
    plain = add_working_days(start, 1, CALENDAR)
    later = add_working_days(start, 1, tibetan_new_year)
    assert plain.date() <= later.date()
    assert later.date() != dt.date(2026, 2, 18)


@given(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 1)),
    st.integers(min_value=1, max_value=30),
)
def test_the_due_day_is_exactly_n_working_days_later(start, days):
    start = start.replace(tzinfo=bt.SHANGHAI)
    due = add_working_days(start, days, CALENDAR)
    assert working_days_between(start, due, CALENDAR) == days
    assert CALENDAR.periods_on(due.date())
