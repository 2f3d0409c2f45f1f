"""Working-day arithmetic for the 差评 follow-up clock (pure: no Django).

The convention is "within 15 working days" (15个工作日内): the follow-up is due
at the end of the last working period of the 15th working day after the day
the rating came in. The calendar is the SLA engine's, so 调休 Saturdays count
and local holidays such as 藏历新年 do not.
"""

import datetime as dt

from sla import business_time as bt


def add_working_days(start: dt.datetime, days: int, calendar: bt.Calendar) -> dt.datetime:
    """The end of the `days`-th working day after `start`'s local day."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day = start.astimezone(calendar.tz).date()
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if calendar.periods_on(day):
            counted += 1
    end = calendar.periods_on(day)[-1].end
    return dt.datetime.combine(day, end, tzinfo=calendar.tz)


def working_days_between(start: dt.datetime, end: dt.datetime, calendar: bt.Calendar) -> int:
    """Whole working days after `start`'s local day up to and including `end`'s."""
    first = start.astimezone(calendar.tz).date()
    last = end.astimezone(calendar.tz).date()
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if calendar.periods_on(day):
            count += 1
    return count
