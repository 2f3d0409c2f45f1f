"""Working-time arithmetic on China's official calendar. No Django here.

A day is a working day by, in this order:
1. a local entry of the calendar (e.g. 藏历新年 off, or an extra working day);
2. the year's State Council notice entered by an administrator;
3. the `chinese-calendar` package, which knows each notice up to its release;
4. for a year nobody has published yet, a projection of the statutory days of
   《全国年节及纪念日放假办法》 (as revised in 2024) on top of weekends. Such a
   year is *provisional*: the real notice moves days around (调休) and adds
   working weekends, which nobody can know in advance.

Times are aware datetimes; results are in the calendar's time zone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar
from lunardate import LunarDate

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A calendar with no working time in this many days is a configuration error,
# not a reason to loop forever.
SEARCH_LIMIT_DAYS = 3700
MINUTE = dt.timedelta(minutes=1)


class DaySource(StrEnum):
    LOCAL = "local"
    NOTICE = "notice"
    NATIONAL = "national"
    PROJECTED = "projected"


@dataclass(frozen=True)
class DayStatus:
    working: bool
    source: DaySource
    holiday: str = ""

    @property
    def provisional(self) -> bool:
        return self.source == DaySource.PROJECTED


@dataclass(frozen=True)
class Period:
    """Working hours within one day, [start, end)."""

    start: dt.time
    end: dt.time

    def __str__(self):
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Season:
    """Different working hours between two month-days, both inclusive; a
    season may wrap the year end (e.g. 11-01 to 03-31)."""

    first: tuple[int, int]
    last: tuple[int, int]
    periods: tuple[Period, ...]

    def covers(self, day: dt.date) -> bool:
        md = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= md <= self.last
        return md >= self.first or md <= self.last


@dataclass(frozen=True)
class YearNotice:
    """A year's holiday notice as an administrator entered it."""

    holidays: frozenset[dt.date]
    working_days: frozenset[dt.date]


DEFAULT_PERIODS = (
    Period(dt.time(9), dt.time(12)),
    Period(dt.time(14), dt.time(18)),
)


@dataclass(frozen=True)
class Calendar:
    periods: tuple[Period, ...] = DEFAULT_PERIODS
    seasons: tuple[Season, ...] = ()
    tz: ZoneInfo = SHANGHAI
    # date -> True (working) / False (day off): local entries, which win.
    local_days: Mapping[dt.date, bool] = field(default_factory=dict, hash=False)
    notices: Mapping[int, YearNotice] = field(default_factory=dict, hash=False)
    # Emergencies run on the wall clock: every minute counts.
    around_the_clock: bool = False
    _day_cache: dict = field(default_factory=dict, hash=False, compare=False, repr=False)

    def __post_init__(self):
        check_periods(self.periods)
        for season in self.seasons:
            check_periods(season.periods)

    def day_status(self, day: dt.date) -> DayStatus:
        if day in self.local_days:
            return DayStatus(self.local_days[day], DaySource.LOCAL)
        notice = self.notices.get(day.year)
        if notice is not None:
            if day in notice.working_days:
                return DayStatus(True, DaySource.NOTICE)
            if day in notice.holidays:
                return DayStatus(False, DaySource.NOTICE)
            return DayStatus(day.weekday() < 5, DaySource.NOTICE)
        return national_day_status(day)

    def periods_on(self, day: dt.date) -> tuple[Period, ...]:
        """The working periods of a day; empty on a day off."""
        cached = self._day_cache.get(day)
        if cached is None:
            if not self.day_status(day).working:
                cached = ()
            else:
                cached = next((s.periods for s in self.seasons if s.covers(day)), self.periods)
            self._day_cache[day] = cached
        return cached

    def is_provisional(self, year: int) -> bool:
        return year not in self.notices and not national_data_covers(year)


def check_periods(periods: Iterable[Period]) -> None:
    previous_end = None
    for period in periods:
        if period.start >= period.end:
            raise ValueError(f"working period {period} ends before it starts")
        if previous_end is not None and period.start < previous_end:
            raise ValueError(f"working period {period} overlaps the one before it")
        previous_end = period.end


ALWAYS = Calendar(around_the_clock=True)

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")


def parse_periods(text: str) -> tuple[Period, ...]:
    """'09:00-12:00, 14:00-18:00' → periods, sorted; ValueError if malformed.
    24:00 is allowed as an end, meaning midnight."""
    periods = []
    for chunk in re.split(r"[,，;；\n]+", text.strip()):
        if not chunk.strip():
            continue
        match = _PERIOD.match(chunk)
        if not match:
            raise ValueError(f"not a period like 09:00-12:00: {chunk.strip()!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        end = dt.time.max if (h2, m2) == (24, 0) else dt.time(h2, m2)
        periods.append(Period(dt.time(h1, m1), end))
    if not periods:
        raise ValueError("no working period given")
    periods.sort(key=lambda p: p.start)
    check_periods(periods)
    return tuple(periods)


_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$")


def parse_dates(text: str) -> frozenset[dt.date]:
    """'2027-02-05..2027-02-12, 2027-10-01' → the dates; ValueError if malformed.
    A range may also be written with ~, – or 至."""
    dates = set()
    text = re.sub(r"\s*(?:\.\.|~|–|至)\s*", "..", text.strip())
    for chunk in re.split(r"[,，;；|\s]+", text):
        if not chunk:
            continue
        match = _RANGE.match(chunk)
        if not match:
            raise ValueError(f"not a date or range like 2027-10-01..2027-10-07: {chunk!r}")
        first = dt.date.fromisoformat(match.group(1))
        last = dt.date.fromisoformat(match.group(2) or match.group(1))
        if last < first or (last - first).days > 31:
            raise ValueError(f"not a holiday range: {chunk!r}")
        dates.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(dates)


# --- National calendar -------------------------------------------------------


def national_data_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def national_day_status(day: dt.date) -> DayStatus:
    try:
        working = chinese_calendar.is_workday(day)
    except NotImplementedError:
        holiday = projected_holidays(day.year).get(day, "")
        return DayStatus(not holiday and day.weekday() < 5, DaySource.PROJECTED, holiday)
    return DayStatus(working, DaySource.NATIONAL)


_projection_cache: dict[int, dict[dt.date, str]] = {}


def projected_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of 《全国年节及纪念日放假办法》 (2024): 元旦 1 day,
    春节 4 (除夕–初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3."""
    if year in _projection_cache:
        return _projection_cache[year]
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    days.update({dt.date(year, 5, d): "劳动节" for d in (1, 2)})
    days.update({dt.date(year, 10, d): "国庆节" for d in (1, 2, 3)})
    days[_qingming(year)] = "清明节"
    try:
        new_year = LunarDate(year, 1, 1).to_solar_date()
        for offset in range(-1, 3):
            days[new_year + dt.timedelta(days=offset)] = "春节"
        days[LunarDate(year, 5, 5).to_solar_date()] = "端午节"
        days[LunarDate(year, 8, 15).to_solar_date()] = "中秋节"
    except ValueError:
        # Outside the lunar tables (before 1900 or after 2099): fixed dates only.
        pass
    _projection_cache[year] = days
    return days


def _qingming(year: int) -> dt.date:
    try:
        terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 3), dt.date(year, 4, 6))
    except NotImplementedError:  # outside the package's solar-term table
        terms = []
    return next((d for d, name in terms if name == "清明"), dt.date(year, 4, 5))


# --- Arithmetic --------------------------------------------------------------


def _local(instant: dt.datetime, calendar: Calendar) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("a naive datetime has no place on the calendar; give a time zone")
    return instant.astimezone(calendar.tz)


def _windows(start: dt.datetime, calendar: Calendar):
    """Working windows [begin, end) from `start` on, in order, clipped to start."""
    day = start.date()
    for _unused in range(SEARCH_LIMIT_DAYS):
        for period in calendar.periods_on(day):
            begin = dt.datetime.combine(day, period.start, calendar.tz)
            if period.end == dt.time.max:
                end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), calendar.tz)
            else:
                end = dt.datetime.combine(day, period.end, calendar.tz)
            if end <= start:
                continue
            yield max(begin, start), end
        day += dt.timedelta(days=1)
    raise ValueError(f"the calendar has no working time within {SEARCH_LIMIT_DAYS} days")


def _windows_back(end: dt.datetime, calendar: Calendar):
    """Working windows [begin, end) before `end`, latest first, clipped to end."""
    day = end.date()
    for _unused in range(SEARCH_LIMIT_DAYS):
        for period in reversed(calendar.periods_on(day)):
            begin = dt.datetime.combine(day, period.start, calendar.tz)
            if period.end == dt.time.max:
                stop = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), calendar.tz)
            else:
                stop = dt.datetime.combine(day, period.end, calendar.tz)
            if begin >= end:
                continue
            yield begin, min(stop, end)
        day -= dt.timedelta(days=1)
    raise ValueError(f"the calendar has no working time within {SEARCH_LIMIT_DAYS} days")


def subtract_working_time(
    end: dt.datetime, amount: dt.timedelta, calendar: Calendar
) -> dt.datetime:
    """The earliest instant from which `amount` of working time reaches `end`:
    when a clock that is already late fell due (due at 18:00, not 09:00 the
    next working day)."""
    end = _local(end, calendar)
    if amount < dt.timedelta(0):
        raise ValueError("cannot subtract a negative amount of working time")
    if calendar.around_the_clock or not amount:
        return end - amount
    remaining = amount
    for begin, stop in _windows_back(end, calendar):
        if remaining < stop - begin:
            return stop - remaining
        remaining -= stop - begin
    raise AssertionError("unreachable")  # _windows_back raises first


def add_working_time(start: dt.datetime, amount: dt.timedelta, calendar: Calendar) -> dt.datetime:
    """The earliest instant by which `amount` of working time has passed since
    `start`. A start outside working time counts from the next working period;
    a target ending exactly at a period's end is due at that end."""
    start = _local(start, calendar)
    if amount < dt.timedelta(0):
        raise ValueError("cannot add a negative amount of working time")
    if calendar.around_the_clock or not amount:
        return start + amount
    remaining = amount
    for begin, end in _windows(start, calendar):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable")  # _windows raises first


def working_time_between(a: dt.datetime, b: dt.datetime, calendar: Calendar) -> dt.timedelta:
    """Working time from a to b; negative when b is before a."""
    a, b = _local(a, calendar), _local(b, calendar)
    if b < a:
        return -working_time_between(b, a, calendar)
    if calendar.around_the_clock:
        return b - a
    total = dt.timedelta(0)
    if (b.date() - a.date()).days > SEARCH_LIMIT_DAYS:
        raise ValueError(f"instants more than {SEARCH_LIMIT_DAYS} days apart")
    for begin, end in _windows(a, calendar):
        if begin >= b:
            break
        total += min(end, b) - begin
        if end >= b:
            break
    return total


def add_working_minutes(start: dt.datetime, minutes: float, calendar: Calendar) -> dt.datetime:
    return add_working_time(start, dt.timedelta(minutes=minutes), calendar)


def working_minutes_between(a: dt.datetime, b: dt.datetime, calendar: Calendar) -> float:
    return working_time_between(a, b, calendar) / MINUTE


def is_working_instant(instant: dt.datetime, calendar: Calendar) -> bool:
    """True inside a working period [start, end)."""
    if calendar.around_the_clock:
        return True
    instant = _local(instant, calendar)
    moment = instant.timetz().replace(tzinfo=None)
    return any(
        p.start <= moment and (p.end == dt.time.max or moment < p.end)
        for p in calendar.periods_on(instant.date())
    )
