"""Check the working-time arithmetic from the shell.

manage.py sla_calc due --start 2025-09-30T16:00 --minutes 120 [--calendar NAME]
manage.py sla_calc between --start A --end B [--calendar NAME]
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sla import business_time as bt
from sla.models import BusinessCalendar
from sla.selectors import Calendars


def _instant(text: str, calendar: bt.Calendar) -> dt.datetime:
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"not an ISO 8601 instant: {text!r} (e.g. 2025-09-30T16:00 or 2025-09-30T16:00+08:00)",
            returncode=2,
        ) from None
    return instant if instant.tzinfo else instant.replace(tzinfo=calendar.tz)


def _minutes(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1
    if not 0 <= minutes < 10_000_000:
        raise CommandError(f"not a number of minutes: {text!r}", returncode=2)
    return minutes


class Command(BaseCommand):
    help = "Due instants and working minutes on a business calendar (Asia/Shanghai by default)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        due = actions.add_parser("due", help="the instant N working minutes after --start")
        due.add_argument("--start", required=True)
        due.add_argument("--minutes", required=True)
        due.add_argument("--calendar", help="a business calendar's name; default: the default")
        between = actions.add_parser("between", help="working minutes from --start to --end")
        between.add_argument("--start", required=True)
        between.add_argument("--end", required=True)
        between.add_argument("--calendar")

    def handle(self, *args, action, calendar=None, **options):
        try:
            cal = Calendars().by_name(calendar)
        except BusinessCalendar.DoesNotExist:
            names = ", ".join(BusinessCalendar.objects.values_list("name", flat=True)) or "none"
            raise CommandError(
                f"no business calendar named {calendar!r} (there are: {names})", returncode=2
            ) from None
        start = _instant(options["start"], cal)
        try:
            if action == "due":
                result = bt.add_working_minutes(start, _minutes(options["minutes"]), cal)
                instants = [start, result]
                output = result.isoformat()
            else:
                end = _instant(options["end"], cal)
                minutes = bt.working_minutes_between(start, end, cal)
                instants = [start, end]
                output = f"{minutes:g}"
        except (ValueError, OverflowError) as error:
            raise CommandError(str(error), returncode=2) from None
        years = sorted({i.year for i in instants if cal.is_provisional(i.year)})
        if years:
            self.stderr.write(
                f"note: {', '.join(map(str, years))} is provisional: holidays projected from "
                "the statutory holidays until the year's notice is entered"
            )
        self.stdout.write(output)
