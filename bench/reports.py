"""Benchmark: supervisor dashboard figures and the annual Word report over
1,000,000 tickets on PostgreSQL.

    DATABASE_URL=postgres://… python bench/reports.py [--tickets 1000000]

Works in its own database (the configured name + "_bench", or --suffix), created and
filled on first use with SQL (generate_series), so a rerun only measures.
Prints our timings beside a baseline from the same run: the naive way, a
Python loop over the tickets' clocks, measured on a sample and scaled.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import environ
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database_url(suffix: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {}
    if "postgresql" not in config.get("ENGINE", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database (the bench makes <name>_bench)")
    name = config["NAME"] + suffix
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return url.rsplit("/", 1)[0] + "/" + name


FILL = """
SELECT setseed(0.513300);
CREATE TEMP TABLE b_dept AS
  SELECT row_number() OVER (ORDER BY d.id) - 1 AS n, d.id, d.region_id,
         (SELECT min(u.id) FROM people_user u WHERE u.department_id = d.id) AS reporter
  FROM people_department d WHERE EXISTS (SELECT 1 FROM people_user u WHERE u.department_id = d.id);
CREATE TEMP TABLE b_sub AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, queue_id FROM tickets_subsystem;
CREATE TEMP TABLE b_rows AS
  SELECT g,
         %(base)s + g AS id,
         timestamptz '2025-01-01 00:00+08' + random() * interval '365 days' AS created,
         floor(random() * (SELECT count(*) FROM b_dept))::int AS dept_n,
         floor(random() * (SELECT count(*) FROM b_sub))::int AS sub_n,
         (ARRAY['fault','fault','fault','consultation','consultation','support','suggestion',
                'fault','support','emergency'])[1 + floor(random() * 10)::int] AS category,
         1 + floor(random() * 5)::int AS priority,
         random() < 0.92 AS resolved,
         -ln(1 - random()) * 90 AS response_min,
         -ln(1 - random()) * 900 AS resolution_min,
         random() AS r_rate,
         1 + floor(random() * 5)::int AS score
  FROM generate_series(1, %(n)s) AS g;
ALTER TABLE b_rows ADD PRIMARY KEY (id);

INSERT INTO helpdesk_ticket (id, title, created, modified, status, on_hold, priority, queue_id,
                             secret_key, assigned_to_id, description)
SELECT r.id, '基准测试工单 ' || r.g, r.created, r.created,
       CASE WHEN r.resolved THEN 3 ELSE 1 END, false, r.priority, s.queue_id,
       md5(r.g::text)::uuid::text, %(operator)s, ''
FROM b_rows r JOIN b_sub s ON s.n = r.sub_n;

INSERT INTO tickets_ticketdetails (ticket_id, category, contact_phone, department_id, region_id,
    reporter_id, subsystem_id)
SELECT r.id, r.category, '', d.id, d.region_id, d.reporter, s.id
FROM b_rows r JOIN b_dept d ON d.n = r.dept_n JOIN b_sub s ON s.n = r.sub_n;

CREATE TEMP TABLE b_policy AS
  SELECT DISTINCT ON (category, priority) id, category, priority, response_minutes,
         resolution_minutes, around_the_clock
  FROM sla_slapolicy WHERE subsystem_id IS NULL AND region_id IS NULL
  ORDER BY category, priority, id;

INSERT INTO sla_slaclock (ticket_id, kind, policy_id, category, priority, target_minutes,
  around_the_clock, cycle, started_at, running_since, consumed_seconds, paused_reason,
  at_risk_at, due_at, level_percent, breached_at, stopped_at)
SELECT r.id, k.kind, p.id, r.category, r.priority, k.target, p.around_the_clock, 1, r.created,
       CASE WHEN k.stopped THEN NULL ELSE r.created END,
       CASE WHEN k.stopped THEN k.used * 60 ELSE 0 END, '',
       r.created + k.target * interval '2 minutes',
       r.created + k.target * interval '3 minutes', 0,
       CASE WHEN k.stopped AND k.used > k.target
            THEN r.created + k.target * interval '3 minutes' END,
       CASE WHEN k.stopped THEN r.created + k.used * interval '3 minutes' END
FROM b_rows r JOIN b_policy p ON p.category = r.category AND p.priority = r.priority
CROSS JOIN LATERAL (VALUES
  ('response', p.response_minutes, r.response_min, true),
  ('resolution', p.resolution_minutes, r.resolution_min, r.resolved)
) AS k(kind, target, used, stopped);

INSERT INTO sla_escalationevent (clock_id, cycle, step_id, fired_at)
SELECT c.id, 1, (SELECT min(s.id) FROM sla_escalationstep s
                 WHERE s.clock = 'resolution' AND s.percent = 100), c.breached_at
FROM sla_slaclock c WHERE c.breached_at IS NOT NULL AND c.kind = 'resolution'
  AND c.ticket_id > %(base)s;

INSERT INTO sla_incident (ticket_id, started_at, ended_at, impact, actions_taken)
SELECT c.ticket_id, c.started_at, c.stopped_at, '多个部门无法登录', '重启认证服务'
FROM sla_slaclock c WHERE c.kind = 'resolution' AND c.category = 'emergency'
  AND c.ticket_id > %(base)s;

INSERT INTO sla_handlinglogentry (ticket_id, at, kind, clock, text, data)
SELECT c.ticket_id, c.stopped_at, 'root_cause', '', '',
       '{"root_cause": "配置错误", "fix": "已修正配置"}'::jsonb
FROM sla_slaclock c WHERE c.kind = 'resolution' AND c.stopped_at IS NOT NULL
  AND c.ticket_id > %(base)s;

INSERT INTO satisfaction_rating (ticket_id, score, comment, rated_by_id, rated_at, changed_at)
SELECT r.id, r.score, '', d.reporter, c.stopped_at + interval '1 hour',
       c.stopped_at + interval '1 hour'
FROM b_rows r JOIN b_dept d ON d.n = r.dept_n
JOIN sla_slaclock c ON c.ticket_id = r.id AND c.kind = 'resolution'
WHERE r.resolved AND r.r_rate < 0.3;

INSERT INTO satisfaction_badratingfollowup (rating_id, ticket_id, county_code, state, opened_at,
  due_at, level_percent, verification, call_notes, rectification, rectified_at)
SELECT rt.id, rt.ticket_id, substr(td.region_id, 1, 6),
       CASE WHEN rt.id %% 3 = 0 THEN 'open' ELSE 'rectified' END, rt.rated_at,
       rt.rated_at + interval '21 days', 0, '', '', '',
       CASE WHEN rt.id %% 3 = 0 THEN NULL ELSE rt.rated_at + interval '10 days' END
FROM satisfaction_rating rt JOIN tickets_ticketdetails td ON td.ticket_id = rt.ticket_id
WHERE rt.score <= 2 AND rt.ticket_id > %(base)s;

SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'),
              (SELECT max(id) FROM helpdesk_ticket));
ANALYZE;
"""


def fill(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from helpdesk_site.people.models import Role, User

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    call_command("seed_demo", tickets=0, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM helpdesk_ticket WHERE title LIKE '基准测试工单%%'")
        existing = cursor.fetchone()[0]
        if existing >= n:
            print(f"{existing:,} bench tickets already there")
            return
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
        base = cursor.fetchone()[0]
        operator = User.objects.filter(role=Role.OPERATOR).values_list("pk", flat=True).first()
        started = time.perf_counter()
        cursor.execute(FILL, {"n": n - existing, "base": base, "operator": operator})
        print(f"inserted {n - existing:,} tickets in {time.perf_counter() - started:.1f} s")


def load_average() -> str:
    """The machine is shared: a figure means little without the load beside it."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def timed(label, function, repeat=3):
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    print(
        f"{label:<58} median {statistics.median(runs):6.2f} s  (runs: "
        + ", ".join(f"{r:.2f}" for r in runs)
        + f"; load average {load_average()})"
    )
    return result


def naive_baseline(sample: int) -> None:
    """The spreadsheet way, in Python: load every ticket's clocks and count."""
    from sla.models import SlaClock

    def loop():
        minutes, met, n = [], 0, 0
        for clock in SlaClock.objects.filter(kind="resolution", stopped_at__isnull=False).order_by(
            "ticket_id"
        )[:sample]:
            n += 1
            met += clock.breached_at is None
            minutes.append(clock.consumed_seconds / 60)
        minutes.sort()
        return minutes[len(minutes) // 2], met / n

    started = time.perf_counter()
    loop()
    took = time.perf_counter() - started
    print(
        f"{'baseline: Python loop over clocks, one figure,':<58} {took:6.2f} s for "
        f"{sample:,} tickets (≈ {took * 1_000_000 / sample:.1f} s per 1,000,000; "
        f"load average {load_average()})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=100_000, help="baseline sample size")
    parser.add_argument(
        "--suffix", default="_bench", help="bench database: the configured name + this"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench-annual-report.docx")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = bench_database_url(args.suffix)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    import django

    django.setup()
    fill(args.tickets)

    import datetime as dt

    from helpdesk.models import Ticket

    from helpdesk_site.people.models import User
    from helpdesk_site.regions.models import Region
    from reporting import selectors, services
    from reporting.periods import containing

    year = containing("year", dt.date(2025, 6, 1))
    prefecture = Region.objects.get(code="513300")
    kangding = Region.objects.get(code="513301")
    supervisor = User.objects.get(username="gz_supervisor")
    total = Ticket.objects.count()
    print(f"database: {total:,} tickets; period {year.title}")

    def dashboard(period, region=prefecture):
        return selectors.figures(selectors.Filters(period=period, region=region), user=supervisor)

    figures = timed("dashboard figures, prefecture, year", lambda: dashboard(year))
    print(
        f"    (year: {figures.volume['total']:,} tickets filed, "
        f"{figures.resolution['n']:,} resolved)"
    )
    timed(
        "dashboard figures, prefecture, one month",
        lambda: dashboard(containing("month", dt.date(2025, 6, 1))),
    )
    timed("dashboard figures, 康定市, year", lambda: dashboard(year, kangding))
    content = timed(
        "annual report .docx, prefecture (figures + charts + Word)",
        lambda: services.render_report(year, prefecture, "docx"),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(content)
    print(f"    wrote {args.out} ({len(content):,} bytes)")
    timed(
        "annual report .xlsx, prefecture", lambda: services.render_report(year, prefecture, "xlsx")
    )
    naive_baseline(args.sample)


if __name__ == "__main__":
    main()
