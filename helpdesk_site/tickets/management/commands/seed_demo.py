import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from helpdesk_site.tickets.seeding import seed_demo


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--until: not a date (YYYY-MM-DD): {value!r}", returncode=2) from error


def _moment(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: not a date and time: {value!r}", returncode=2) from error
    return moment if moment.tzinfo else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Create demo departments, accounts and a year of tickets (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=2000, help="total demo tickets")
        parser.add_argument(
            "--until", default=None, help="last day of the demo year, YYYY-MM-DD (default: today)"
        )
        # For tests and rehearsals: the moment the demo's history runs up to.
        parser.add_argument("--now", type=_moment, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, tickets, until, now=None, **options):
        if tickets < 0:
            raise CommandError("--tickets must be 0 or more", returncode=2)
        last_day = _date(until) if until else timezone.localdate(now)
        added = seed_demo(tickets, last_day, progress=lambda m: self.stdout.write(m), now=now)
        self.stdout.write(self.style.SUCCESS(f"demo data ready: {added} tickets added"))
