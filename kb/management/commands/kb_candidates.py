import json
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kb import candidates


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--since must be a date as YYYY-MM-DD, not {value!r}", returncode=2
        ) from None


class Command(BaseCommand):
    help = (
        "Group the resolved tickets of the window into FAQ candidates (recurring problems) "
        "and print each open candidate with its tickets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="start of the window (default: the configured number of days back)",
        )
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="only place the tickets resolved since the last run",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, since, incremental: bool, json: bool, **options):
        start = None
        if since is not None:
            day = _day(since)
            if day > timezone.localdate():
                raise CommandError("--since lies in the future", returncode=2)
            start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        try:
            run = (
                candidates.join_new(since=start) if incremental else candidates.propose(since=start)
            )
        except candidates.RunInProgress:
            raise CommandError("another grouping run is in progress; try again later") from None
        groups = candidates.open_candidates_with_tickets()
        if json:
            self.stdout.write(_dumps({"run": _summary(run), "candidates": groups}))
            return
        self.stdout.write(
            f"{run.kind} run since {run.since:%Y-%m-%d}: {run.tickets} tickets, "
            f"{run.candidates} candidates written, {run.joined} tickets joined open ones"
        )
        for group in groups:
            self.stdout.write(f"\n#{group['id']} {group['title']} ({group['size']} tickets)")
            for ticket in group["tickets"]:
                reference = f" [{ticket['external_ref']}]" if "external_ref" in ticket else ""
                self.stdout.write(f"  #{ticket['id']}{reference} {ticket['title']}")
        if not groups:
            self.stdout.write("no candidates")


def _summary(run: candidates.Run) -> dict:
    return {
        "kind": run.kind,
        "since": run.since.isoformat(),
        "tickets": run.tickets,
        "candidates_written": run.candidates,
        "tickets_joined": run.joined,
    }


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
