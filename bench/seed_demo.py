"""Seeding demo data in bulk vs filing tickets one by one, on PostgreSQL.

    .venv/bin/python bench/seed_demo.py [--tickets 200000] [--baseline 1000]
        [--database bench_perf_seed_<pid>] [--redis-db 14]

Creates its database (refusing one that exists; dropped at the end unless
--keep), migrates it, times
`seed_demo` for --tickets tickets, then times --baseline tickets filed one at a
time through `services.file_ticket` (what the web form does) in the same run,
and prints both rates and the ratio.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--baseline", type=int, default=1000)
    runinfo.add_arguments(parser, database=f"bench_perf_seed_{os.getpid()}", rounds=None)
    args = parser.parse_args()
    with runinfo.Services(args, fresh=True):
        return run(args)


def run(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    import django

    django.setup()
    runinfo.header("seed_demo vs file_ticket", database=args.database, tickets=args.tickets)
    from django.core.management import call_command
    from helpdesk.models import FollowUp, Ticket

    from helpdesk_site.people.models import User
    from helpdesk_site.tickets import services
    from helpdesk_site.tickets.models import Subsystem
    from helpdesk_site.tickets.seeding import seed_demo

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed_demo(args.tickets, dt.date(2026, 11, 20))
        bulk = time.perf_counter() - started
        followups = FollowUp.objects.count()

        clerk = User.objects.get(username="kd_reporter")
        subsystem = Subsystem.objects.get(code="e_license")
        started = time.perf_counter()
        for i in range(args.baseline):
            services.file_ticket(
                reporter=clerk,
                subsystem=subsystem,
                category="fault",
                priority=3,
                title=f"逐条提交 {i}",
                description="电子证照无法制作",
            )
        one_by_one = time.perf_counter() - started
        total = Ticket.objects.count()
    finally:
        from django.db import connections

        connections.close_all()

    bulk_rate = args.tickets / bulk
    single_rate = args.baseline / one_by_one
    print(f"tickets in database: {total:,}; follow-ups from seeding: {followups:,}")
    row = "{:<26}{:>8,} tickets in {:7.1f} s = {:8.0f}/s"
    print(row.format("seed_demo (bulk):", args.tickets, bulk, bulk_rate))
    print(row.format("file_ticket (one by one):", args.baseline, one_by_one, single_rate))
    print(
        f"one by one, {args.tickets:,} would take ~{args.tickets / single_rate / 60:.1f} min; "
        f"bulk is {bulk_rate / single_rate:.1f}x faster"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
