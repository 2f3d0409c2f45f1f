"""The training rules as plain arithmetic (no Django): the yearly floor of
rounds and when the year risks missing it, and when a session's sign-in
code is valid."""

import datetime as dt
import math
from dataclasses import dataclass

from helpdesk_site.satisfaction.workdays import working_days_between
from sla import business_time as bt

# Organising a round (outline, invitations, venue or meeting) takes about this
# many working days; the warning comes while that is still possible for every
# missing round, with a margin for the notice to be read and acted upon.
ROUND_LEAD_WORKING_DAYS = 15
WARNING_MARGIN_WORKING_DAYS = 10
# A warning is repeated at most this often while the risk lasts.
WARNING_REPEAT_DAYS = 7

# The sign-in code works from a little before the start until a little after
# the end, so that early and late arrivals can still sign in.
SIGN_IN_EARLY = dt.timedelta(minutes=30)
SIGN_IN_GRACE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class YearStanding:
    """Where a year's plan stands against its floor of rounds."""

    floor: int
    held: int
    scheduled: int
    working_days_left: int
    # All working days of the year, for the pace the floor asks.
    working_days_in_year: int = 0

    @property
    def shortfall(self) -> int:
        """Rounds neither held nor scheduled that the floor still needs."""
        return max(0, self.floor - self.held - self.scheduled)

    @property
    def met(self) -> bool:
        return self.held >= self.floor

    @property
    def working_days_needed(self) -> int:
        return self.shortfall * ROUND_LEAD_WORKING_DAYS

    @property
    def due_by_now(self) -> int:
        """Rounds that should be held or scheduled by now if they were spread
        evenly over the year's working days."""
        if self.working_days_in_year <= 0:
            return 0
        elapsed = 1 - self.working_days_left / self.working_days_in_year
        return math.floor(self.floor * elapsed)

    @property
    def behind_pace(self) -> bool:
        return self.held + self.scheduled < self.due_by_now

    @property
    def at_risk(self) -> bool:
        """Whether the year risks missing its floor: behind the even pace, or
        too few working days left to organise the missing rounds with a margin."""
        if self.shortfall == 0:
            return False
        tight = self.working_days_left <= self.working_days_needed + WARNING_MARGIN_WORKING_DAYS
        return tight or self.behind_pace

    @property
    def impossible(self) -> bool:
        """Not enough working days left to organise the missing rounds at all."""
        return self.shortfall > 0 and self.working_days_left < self.working_days_needed


def year_end(year: int, calendar: bt.Calendar) -> dt.datetime:
    return dt.datetime(year + 1, 1, 1, tzinfo=calendar.tz) - dt.timedelta(seconds=1)


def working_days_left(year: int, now: dt.datetime, calendar: bt.Calendar) -> int:
    """Working days after today up to the end of `year` (0 once it is over)."""
    end = year_end(year, calendar)
    start = dt.datetime(year, 1, 1, tzinfo=calendar.tz) - dt.timedelta(days=1)
    if now > end:
        return 0
    return working_days_between(max(now, start), end, calendar)


def standing(
    *, floor: int, held: int, scheduled: int, year: int, now: dt.datetime, calendar: bt.Calendar
) -> YearStanding:
    start = dt.datetime(year, 1, 1, tzinfo=calendar.tz) - dt.timedelta(seconds=1)
    return YearStanding(
        floor=floor,
        held=held,
        scheduled=scheduled,
        working_days_left=working_days_left(year, now, calendar),
        working_days_in_year=working_days_between(start, year_end(year, calendar), calendar),
    )


def should_warn(standing: YearStanding, last_warned: dt.datetime | None, now: dt.datetime) -> bool:
    """Warn while the year is at risk, not more often than WARNING_REPEAT_DAYS."""
    if not standing.at_risk:
        return False
    return last_warned is None or now - last_warned >= dt.timedelta(days=WARNING_REPEAT_DAYS)


def sign_in_window(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return starts_at - SIGN_IN_EARLY, ends_at + SIGN_IN_GRACE


def sign_in_open(starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> bool:
    opens, closes = sign_in_window(starts_at, ends_at)
    return opens <= now <= closes


def online_open(starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> bool:
    """Opening an online session counts as attending from a little before it
    starts until it ends."""
    return starts_at - SIGN_IN_EARLY <= now <= ends_at
