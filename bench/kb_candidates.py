"""FAQ-candidate grouping at size: 25,000 resolved tickets in the window.

    .venv/bin/python bench/kb_candidates.py \\
        [--database bench_perf_candidates] [--keep] [--redis-db 14]

Synthesises the tickets at run time from the 1,900 real citizen requests of
../shared/data/eval/tickets.jsonl (read there, never copied): each synthetic
ticket takes a real ticket's title, most of its sentences (each kept with
probability 0.7), one to three sentences of other random tickets, and part of
its official reply, so every real problem recurs about 13 times in other
combinations of words. 60 % are "imported" (one import reporter, an
external reference: reposts found by text alone), 40 % filed by 2,000
reporters. Sentences are segmented once (kb.segment) and the rows are
bulk-inserted (tickets, details, segmented text), marked by their external
description, and kept for the next run (--rebuild starts over; tickets
are never deleted here, so replaced ones are moved out of the window).

Timed, in the same run:
- ours, full: kb.candidates.propose() (read, group, write each candidate in
  its own transaction), and the pure grouping alone (kb.clustering.group);
- ours, incremental: --new more tickets resolved, then kb.candidates.join_new();
- baseline: the grouping before issue 13 (bench/grouping_baseline.py, pure,
  on the same words), timed at --baseline-sizes tickets and extrapolated to
  25,000 by n² (its pair comparisons grow with n²; it would take hours).
"""

import argparse
import json
import os
import random
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402
from bench.eval_data import eval_file  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
EVAL = eval_file("tickets.jsonl")
MARK = "bench-kbc:"
SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]?")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=25_000)
    parser.add_argument("--new", type=int, default=300, help="tickets for the incremental run")
    parser.add_argument("--baseline-sizes", default="1000,2000")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--seed", type=int, default=13)
    runinfo.add_arguments(parser, database="bench_perf_candidates", rounds=None)
    return parser.parse_args()


def setup_django():
    import django

    if not EVAL.exists():
        sys.exit(f"{EVAL} not found: the bench reads its text from there")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Source:
    """The real tickets' sentences, segmented once."""

    def __init__(self):
        from kb.segment import tokens

        self.rows = []
        for line in EVAL.open(encoding="utf-8"):
            row = json.loads(line)
            self.rows.append(
                {
                    "title": row["title"],
                    "title_words": tokens(row["title"]),
                    "text": [tokens(s) for s in SENTENCE.findall(row["text"])],
                    "reply": [tokens(s) for s in SENTENCE.findall(row.get("resolution") or "")],
                }
            )

    def ticket(self, rng: random.Random):
        base = rng.choice(self.rows)
        body = [s for s in base["text"] if rng.random() < 0.7] or base["text"][:1]
        for _ in range(rng.randint(1, 3)):
            other = rng.choice(self.rows)["text"]
            if other:
                body.insert(rng.randint(0, len(body)), rng.choice(other))
        reply = [s for s in base["reply"] if rng.random() < 0.5]
        words = [w for s in body + reply for w in s]
        return base["title"], " ".join(base["title_words"]), " ".join(words)


def _people(count: int):
    from helpdesk_site.people.models import Department, Role, User
    from helpdesk_site.regions.models import Region
    from helpdesk_site.tickets import services

    services.ensure_subsystems()
    region = Region.objects.order_by("-level", "code").first()
    department, _ = Department.objects.get_or_create(name=f"{MARK}department", region=region)
    existing = User.objects.filter(username__startswith=MARK).count()
    if existing < count + 1:
        User.objects.bulk_create(
            [
                # "!": an unusable password (these reporters never log in).
                User(username=f"{MARK}{i}", role=Role.REPORTER, department=department, password="!")  # noqa: S106
                for i in range(existing, count + 1)
            ],
            batch_size=1000,
        )
    users = list(User.objects.filter(username__startswith=MARK).order_by("pk"))
    return department, users[0], users[1:]


def insert(source: Source, count: int, rng: random.Random, tag: str) -> list[int]:
    """Insert resolved tickets with their details and segmented text."""
    from django.db import transaction
    from django.utils import timezone
    from helpdesk.models import Ticket

    from helpdesk_site.tickets.models import Category, Subsystem, TicketDetails
    from kb.models import TicketText

    department, importer, reporters = _people(2000)
    run = int(time.time())
    subsystems = list(Subsystem.objects.select_related("queue"))
    now = timezone.now()
    made = []
    for start in range(0, count, 2000):
        batch = [source.ticket(rng) for _ in range(min(2000, count - start))]
        with transaction.atomic():
            tickets = Ticket.objects.bulk_create(
                [
                    Ticket(
                        title=title[:200],
                        queue=rng.choice(subsystems).queue,
                        status=Ticket.RESOLVED_STATUS,
                        description=f"{MARK}{tag}",
                        resolution="",
                        created=now - timedelta(days=rng.randint(1, 80)),
                    )
                    for title, _, _ in batch
                ]
            )
            details = []
            for n, ticket in enumerate(tickets):
                imported = rng.random() < 0.6
                details.append(
                    TicketDetails(
                        ticket=ticket,
                        reporter=importer if imported else rng.choice(reporters),
                        department=department,
                        region_id=department.region_id,
                        subsystem=rng.choice(subsystems),
                        category=Category.CONSULTATION,
                        external_ref=f"{MARK}{tag}{run}-{start + n}" if imported else "",
                    )
                )
            TicketDetails.objects.bulk_create(details)
            TicketText.objects.bulk_create(
                [
                    TicketText(ticket=ticket, title_segmented=title_words, body_segmented=body)
                    for ticket, (_, title_words, body) in zip(tickets, batch, strict=True)
                ]
            )
        made.extend(t.pk for t in tickets)
    return made


def prepare(source, args, rng) -> int:
    """The base tickets in the window (built if missing); extra tickets of
    earlier runs moved out of it."""
    from django.utils import timezone
    from helpdesk.models import Ticket

    long_ago = timezone.now() - timedelta(days=400)
    Ticket.objects.filter(description=f"{MARK}new").update(modified=long_ago)
    base = Ticket.objects.filter(description=f"{MARK}base")
    if args.rebuild or base.count() != args.tickets:
        base.update(modified=long_ago, description=f"{MARK}old")
        started = time.perf_counter()
        insert(source, args.tickets, rng, "base")
        print(f"built {args.tickets} tickets in {time.perf_counter() - started:.1f} s")
    base.update(modified=timezone.now())
    return base.count()


def main():
    args = parse_args()
    with runinfo.Services(args):
        setup_django()
        runinfo.header("FAQ candidates", database=args.database, tickets=args.tickets)
        bench(args)


def bench(args):
    import grouping_baseline
    from django.utils import timezone

    from kb import candidates, clustering

    rng = random.Random(args.seed)
    started = time.perf_counter()
    source = Source()
    print(f"real tickets read and segmented in {time.perf_counter() - started:.1f} s")
    window = prepare(source, args, rng)
    print(f"{window} resolved bench tickets in the window ({os.cpu_count()} CPUs)")
    from django.core.cache import cache

    cache.delete(candidates.LOCK_KEY)

    started = time.perf_counter()
    full = candidates.propose()
    ours_full = time.perf_counter() - started
    rows = candidates._rows(candidates.window_start())
    texts = [row.text for row in rows]
    started = time.perf_counter()
    groups = clustering.group(texts)
    ours_pure = time.perf_counter() - started
    grouped = sum(len(g.keys) for g in groups)

    insert(source, args.new, rng, "new")
    started = time.perf_counter()
    incremental = candidates.join_new()
    ours_incremental = time.perf_counter() - started

    baseline = []
    for size in [int(s) for s in args.baseline_sizes.split(",")]:
        documents = [grouping_baseline.words(t.title, t.body) for t in texts[:size]]
        started = time.perf_counter()
        grouping_baseline.similar_groups(documents)
        baseline.append((size, time.perf_counter() - started))
    size, seconds = baseline[-1]
    extrapolated = seconds * (full.tickets / size) ** 2

    print(f"\nload average {os.getloadavg()[0]:.1f}; {timezone.now():%Y-%m-%d %H:%M} UTC")
    print(f"{'':<44} {'ours':>10} {'baseline':>22}")
    print(
        f"{'full run, ' + str(full.tickets) + ' tickets (DB read+group+write)':<44} "
        f"{ours_full:>9.1f}s {'-':>22}"
    )
    print(
        f"{'grouping alone (pure)':<44} {ours_pure:>9.1f}s "
        f"{'≈' + format(extrapolated, ',.0f') + ' s extrapolated':>22}"
    )
    for size, seconds in baseline:
        label = f"  baseline measured at {size} tickets"
        print(f"{label:<44} {'':>10} {seconds:>21.1f}s")
    print(
        f"{'incremental, ' + str(incremental.tickets) + ' new tickets':<44} "
        f"{ours_incremental:>9.1f}s {'(none: redone in full)':>22}"
    )
    print(
        f"\nfull run: {full.candidates} candidates, {len(groups)} groups holding {grouped} "
        f"of {len(texts)} tickets; incremental ({incremental.kind}): "
        f"{incremental.joined} joined open candidates, {incremental.candidates} new candidates"
    )


if __name__ == "__main__":
    main()
