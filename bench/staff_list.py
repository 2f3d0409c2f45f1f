"""The operator's queue vs django-helpdesk's ticket list, first page, same data, same run.

    .venv/bin/python bench/staff_list.py [--tickets 200000] [--runs 30] [--rounds 3]
                                         [--database NAME] [--keep] [--redis-db N]

With --fill bulk the data are the reports bench's SQL fill (bench/reports.py:
--tickets in 2025 and a quarter as many in 2024, 8 % of them open, each with
its running clocks, spread over 60 operators) and take minutes; the default,
--fill demo, seeds as described below and takes hours at 200,000.

Works in its own PostgreSQL database (created and dropped, kept with --keep,
and reused as found when it already exists with the tickets) and Redis
database (the keys it adds are deleted at the end); migrates it, seeds it
with the demo seeding code (`seed_demo`) and gives the open tickets their
running SLA clocks in bulk.
(seed_demo's own history of clocks, past escalations and ratings, one ticket
at a time, is left out: the queue reads only the running clocks, and that
history would take hours at this size.) Then, as
the demo operator (every queue), it requests in turn:
1. the operator's queue, /helpdesk/tickets/ (first page, soonest due first),
   as an operator reloading it finds it (counts kept from the last load), and
   with its counts recomputed each time, as after any change to a ticket;
2. helpdesk's own list as it stood: its page (ticket_list) and the DataTables
   request the page makes for its first 25 rows (datatables_ticket_list); a
   user sees rows only after both, so their sum is the baseline.
Each is requested --runs times a round after one warm-up; prints p50 and p95
of each round and their medians over --rounds, with the load average.
"""

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import runinfo  # noqa: E402

SEED_UNTIL = dt.date(2026, 11, 20)


def seed(count: int) -> None:
    from unittest import mock

    from helpdesk.models import Ticket

    from helpdesk_site.tickets import seeding
    from helpdesk_site.tickets.models import TicketDetails
    from sla import services as sla

    if TicketDetails.objects.count() >= count:
        return
    started = time.perf_counter()
    with mock.patch.object(seeding, "_give_history", lambda *args: None):
        seeding.seed_demo(
            count, SEED_UNTIL, progress=lambda m: print(f"  seeded {m}", end="\r", flush=True)
        )
    details = TicketDetails.objects.filter(
        ticket__status__in=(Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS), ticket__sla_clocks=None
    ).select_related("ticket")
    clocks = sla.start_open_clocks([(d.ticket, d) for d in details.iterator(chunk_size=5000)])
    print(
        f"\nseeded {count} tickets, {clocks} running clocks in {time.perf_counter() - started:.0f}s"
    )


def all_tickets() -> int:
    from helpdesk.models import Ticket

    return Ticket.objects.count()


def open_tickets() -> int:
    from helpdesk.models import Ticket

    from helpdesk_site.tickets.selectors import WORKED_STATUSES

    return Ticket.objects.filter(status__in=WORKED_STATUSES).count()


def running_clocks() -> int:
    from sla.models import SlaClock

    return SlaClock.objects.filter(running_since__isnull=False, stopped_at__isnull=True).count()


def baseline_urlconf():
    """The site's URLs plus helpdesk's own list, which the site replaces."""
    from django.urls import path
    from helpdesk.views import staff

    from helpdesk_site import urls

    module = types.ModuleType("bench_staff_list_urls")
    module.urlpatterns = [path("helpdesk-list/", staff.ticket_list), *urls.urlpatterns]
    sys.modules[module.__name__] = module
    return module.__name__


def timed(runs: int, request) -> list[float]:
    request()  # warm-up: caches, first compiled queries
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        request()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30, help="requests of each kind a round")
    parser.add_argument(
        "--fill",
        choices=("demo", "bulk"),
        default="demo",
        help="demo: seed_demo's tickets (hours at 200,000); bulk: the reports bench's SQL fill",
    )
    runinfo.add_arguments(parser, database="bench_perf_staff_list", redis_db=14)
    args = parser.parse_args()
    if args.tickets < 1 or args.runs < 2 or args.rounds < 1:
        parser.error("--tickets, --rounds at least 1 and --runs at least 2")

    with runinfo.Services(args):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        if args.fill == "bulk":
            from bench.reports import fill

            fill(args.tickets)
        else:
            call_command("migrate", verbosity=0)
            seed(args.tickets)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        measure(args)
        connection.close()
    return 0


def measure(args) -> None:
    from django.conf import settings
    from django.test.utils import override_settings

    # Pages render without a collectstatic run, as in the tests.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        ALLOWED_HOSTS=["testserver"], STORAGES=storages, ROOT_URLCONF=baseline_urlconf()
    ):
        measure_pages(args)


def measure_pages(args) -> None:
    from django.test import Client

    from helpdesk_site.people.models import User
    from helpdesk_site.tickets import queue_counts

    client = Client()
    client.force_login(User.objects.get(username="operator"))

    def ours():
        response = client.get("/helpdesk/tickets/")
        assert response.status_code == 200, response.status_code

    def ours_counted_again():
        queue_counts.changed()  # as after any change to a ticket
        ours()

    page = client.get("/helpdesk-list/").content.decode()
    datatables_url = re.search(r'"url": "(/helpdesk/datatables_ticket_list/[^"]+)"', page)[1]
    first_page = {"draw": 1, "start": 0, "length": 25}

    def theirs_page():
        assert client.get("/helpdesk-list/").status_code == 200

    def theirs_rows():
        assert client.get(datatables_url, first_page).status_code == 200

    runinfo.header(
        "operator's queue vs helpdesk's ticket list, first page, demo operator",
        args.rounds,
        data=f"{args.fill} fill, {all_tickets():,} tickets, {open_tickets():,} open, "
        f"{running_clocks():,} running clocks",
        requests=f"{args.runs} of each kind a round",
    )
    names = (
        "operator's queue (/helpdesk/tickets/)",
        "  the same, counts recomputed each time",
        "helpdesk list: page + first DataTables rows",
        "  of which its page",
        "  of which its DataTables rows",
    )
    rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for number in range(1, args.rounds + 1):
        ours_ms = timed(args.runs, ours)
        recounted_ms = timed(args.runs, ours_counted_again)
        page_ms = timed(args.runs, theirs_page)
        rows_ms = timed(args.runs, theirs_rows)
        baseline_ms = [a + b for a, b in zip(page_ms, rows_ms, strict=True)]
        print(f"round {number} (load average {runinfo.load_average()})")
        for name, times in zip(
            names, (ours_ms, recounted_ms, baseline_ms, page_ms, rows_ms), strict=True
        ):
            rounds[name].append((statistics.median(times), p95(times)))
            print(f"  {name:46} p50 {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms")
    print(f"medians of {args.rounds} rounds (load average now {runinfo.load_average()}):")
    for name, figures in rounds.items():
        p50s, p95s = zip(*figures, strict=True)
        target = "   (target p95 < 300 ms)" if name == names[0] else ""
        print(
            f"  {name:46} p50 {runinfo.median(p50s):7.1f} ms"
            f"   p95 {runinfo.median(p95s):7.1f} ms{target}"
        )
    ratio = runinfo.median(
        rounds[names[2]][i][1] / rounds[names[0]][i][1] for i in range(args.rounds)
    )
    print(f"p95 ratio helpdesk / ours, median over rounds: {ratio:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
