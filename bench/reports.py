"""Benchmark: the supervisor's dashboard and the annual Word report on
PostgreSQL, against a plain SQL version of the same figures.

    .venv/bin/python bench/reports.py --database bench_ledger_200k --redis-db 8 \
        --tickets 200000 [--rounds 3] [--measure page figures baseline ...]

Works in the named database on the server of DATABASE_URL (created, migrated
and filled on first use, so a rerun only measures; the name must start with
"bench_"). The fill is bulk SQL on the server (generate_series): --tickets in
2025, the measured year, and a quarter as many in 2024 so that the comparison
with the previous year reads rows too; 60 operators and 108 more departments
(six in each county); helpdesk follow-ups (opened, replies, resolved); SLA
clocks, escalations, incidents, handling-log entries, ratings and 差评
follow-ups; 3,000 knowledge-base clusters over a quarter of the tickets, 400
FAQs with deflections (15 % of the tickets), searches without an answer, and
a few withdrawn tickets.

Timed, each --rounds times (medians reported, with the load average):
- the dashboard page of the prefecture's year (`/reports/`, the whole
  request as gz_supervisor), and its figures alone; one month; 康定市's year;
- the baseline: the same figures as plain SQL, one straightforward query per
  figure over tickets, details and clocks (what a hand-written report would
  run); its main figures are checked equal to ours;
- the annual prefecture .docx and .xlsx.
Before measuring, the daily roll-up counts the days it does not hold yet (the
first run: every day; timed and printed), then VACUUM (ANALYZE), as
autovacuum would (it is off on the shared development server).
The dashboard caches what it computes from the roll-up's kept days in Redis
(docs/reports.md), so the page is timed twice: with that cache emptied before
each round (the first request after the roll-up counts a day of the period)
and as served again. The bench empties its own Redis database (--redis-db)
before measuring and at the end; sessions are in the database.
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import environ
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_TITLE = "基准测试工单"


def prepare_environment(database: str, redis_db: int) -> None:
    """Point DATABASE_URL and REDIS_URL at the bench's own database and Redis db."""
    if not database.startswith("bench_"):
        sys.exit("the bench database's name must start with bench_ (it is filled with test data)")
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    config = environ.Env.db_url_config(url)
    if "postgresql" not in config.get("ENGINE", ""):
        sys.exit("DATABASE_URL must name a PostgreSQL server")
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
        admin.execute(f'CREATE DATABASE "{database}"')
    admin.close()
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + database
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["REDIS_URL"] = redis.rsplit("/", 1)[0] + f"/{redis_db}"


# One statement list, run on the server. %(n)s tickets in 2025, %(n)s / 4 in
# 2024; ids above %(base)s (the demo's own users and departments come first).
FILL = """
SELECT setseed(0.513300);

INSERT INTO people_department (name, region_id)
SELECT r.name || d.name, r.code
FROM regions_region r
CROSS JOIN (VALUES ('政务服务中心'), ('公安局'), ('市场监督管理局'), ('人力资源和社会保障局'),
                   ('医疗保障局'), ('不动产登记中心')) AS d(name)
WHERE r.level = 'county'
  AND NOT EXISTS (SELECT 1 FROM people_department x WHERE x.name = r.name || d.name);

INSERT INTO people_user (password, is_superuser, username, first_name, last_name, email,
  is_staff, is_active, date_joined, role, phone, department_id, must_change_password)
SELECT '!', false, 'bench_reporter_' || d.id, '', '填报' || d.id, '', false, true, now(),
       'reporter', '', d.id, false
FROM people_department d
WHERE NOT EXISTS (SELECT 1 FROM people_user u WHERE u.department_id = d.id);

INSERT INTO people_user (password, is_superuser, username, first_name, last_name, email,
  is_staff, is_active, date_joined, role, phone, must_change_password)
SELECT '!', false, 'bench_operator_' || g, '运维' || g, '李', '', true, true, now(),
       'operator', '', false
FROM generate_series(1, 60) AS g
ON CONFLICT (username) DO NOTHING;

CREATE TEMP TABLE b_dept AS
  SELECT row_number() OVER (ORDER BY d.id) - 1 AS n, d.id, d.region_id,
         (SELECT min(u.id) FROM people_user u WHERE u.department_id = d.id) AS reporter
  FROM people_department d;
CREATE TEMP TABLE b_sub AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, queue_id FROM tickets_subsystem;
CREATE TEMP TABLE b_op AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM people_user WHERE role = 'operator';

CREATE TEMP TABLE b_rows AS
  SELECT g,
         %(base)s + g AS id,
         CASE WHEN g <= %(n)s
              THEN timestamptz '2025-01-01 00:00+08' + random() * interval '365 days'
              ELSE timestamptz '2024-01-01 00:00+08' + random() * interval '365 days' END
           AS created,
         -- Departments and subsystems unevenly used, so that some are weak.
         floor(power(random(), 1.6) * (SELECT count(*) FROM b_dept))::int AS dept_n,
         floor(power(random(), 1.3) * (SELECT count(*) FROM b_sub))::int AS sub_n,
         floor(random() * (SELECT count(*) FROM b_op))::int AS op_n,
         (ARRAY['fault','fault','fault','consultation','consultation','support','suggestion',
                'fault','support','emergency','after_sales'])[1 + floor(random() * 11)::int]
           AS category,
         1 + floor(random() * 5)::int AS priority,
         random() < 0.92 AS resolved,
         -ln(1 - random()) * 90 AS response_min,
         -ln(1 - random()) * 900 AS resolution_min,
         random() AS r_rate,
         1 + floor(random() * 5)::int AS score,
         random() AS r_cluster
  FROM generate_series(1, %(n)s + %(n)s / 4) AS g;
ALTER TABLE b_rows ADD PRIMARY KEY (id);
-- Slower work in the departments with the highest numbers: the weak spots.
UPDATE b_rows SET resolution_min = resolution_min * (1 + dept_n / 40.0);

INSERT INTO helpdesk_ticket (id, title, created, modified, status, on_hold, priority, queue_id,
                             secret_key, assigned_to_id, description)
SELECT r.id, '%(title)s ' || r.g, r.created, r.created,
       CASE WHEN r.resolved THEN 3 ELSE 1 END, false, r.priority, s.queue_id,
       md5(r.g::text)::uuid::text, o.id, ''
FROM b_rows r JOIN b_sub s ON s.n = r.sub_n JOIN b_op o ON o.n = r.op_n;

INSERT INTO tickets_ticketdetails (ticket_id, category, contact_phone, department_id, region_id,
    reporter_id, subsystem_id, external_ref)
SELECT r.id, r.category, '', d.id, d.region_id, d.reporter, s.id, ''
FROM b_rows r JOIN b_dept d ON d.n = r.dept_n JOIN b_sub s ON s.n = r.sub_n;

INSERT INTO helpdesk_followup (date, title, comment, public, new_status, ticket_id, user_id)
SELECT r.created, '工单已提交', '', true, NULL::int, r.id, d.reporter
FROM b_rows r JOIN b_dept d ON d.n = r.dept_n
UNION ALL
SELECT r.created + r.response_min * interval '1 minute', '回复', '已收到，正在处理', true,
       NULL::int, r.id, o.id
FROM b_rows r JOIN b_op o ON o.n = r.op_n
UNION ALL
SELECT r.created + r.resolution_min * interval '3 minutes', '已解决', '已修正配置', true, 3,
       r.id, o.id
FROM b_rows r JOIN b_op o ON o.n = r.op_n WHERE r.resolved;

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
SELECT c.id, 1, s.step, c.started_at + (c.due_at - c.started_at) * s.percent / 100.0
FROM sla_slaclock c
CROSS JOIN LATERAL (
  SELECT min(id) AS step, percent FROM sla_escalationstep
  WHERE clock = c.kind AND percent IN (80, 100) GROUP BY percent
) AS s
WHERE c.ticket_id > %(base)s
  AND (c.breached_at IS NOT NULL OR (s.percent = 80 AND c.stopped_at IS NULL));

INSERT INTO sla_incident (ticket_id, started_at, ended_at, impact, actions_taken)
SELECT c.ticket_id, c.started_at, c.stopped_at, '多个部门无法登录', '重启认证服务'
FROM sla_slaclock c WHERE c.kind = 'resolution' AND c.category = 'emergency'
  AND c.ticket_id > %(base)s;

INSERT INTO sla_handlinglogentry (ticket_id, at, kind, clock, text, data)
SELECT c.ticket_id, c.stopped_at, 'root_cause', '', '',
       '{"root_cause": "配置错误", "fix": "已修正配置"}'::jsonb
FROM sla_slaclock c WHERE c.kind = 'resolution' AND c.stopped_at IS NOT NULL
  AND c.ticket_id > %(base)s
UNION ALL
SELECT c.ticket_id, c.started_at + interval '1 hour', 'paused', 'resolution', '等待部门补充材料',
       '{}'::jsonb
FROM sla_slaclock c WHERE c.kind = 'resolution' AND c.ticket_id > %(base)s
  AND c.ticket_id %% 7 = 0;

INSERT INTO satisfaction_rating (ticket_id, score, comment, rated_by_id, rated_at, changed_at)
SELECT r.id, r.score, CASE WHEN r.score <= 2 THEN '处理太慢' ELSE '' END, d.reporter,
       c.stopped_at + interval '1 hour', c.stopped_at + interval '1 hour'
FROM b_rows r JOIN b_dept d ON d.n = r.dept_n
JOIN sla_slaclock c ON c.ticket_id = r.id AND c.kind = 'resolution'
WHERE r.resolved AND r.r_rate < 0.4;

INSERT INTO satisfaction_badratingfollowup (rating_id, ticket_id, county_code, state, opened_at,
  due_at, level_percent, verification, call_notes, rectification, rectified_at)
SELECT rt.id, rt.ticket_id, substr(td.region_id, 1, 6),
       CASE WHEN rt.id %% 3 = 0 THEN 'open' ELSE 'rectified' END, rt.rated_at,
       rt.rated_at + interval '21 days', 0, '', '', '',
       CASE WHEN rt.id %% 3 = 0 THEN NULL ELSE rt.rated_at + interval '10 days' END
FROM satisfaction_rating rt JOIN tickets_ticketdetails td ON td.ticket_id = rt.ticket_id
WHERE rt.score <= 2 AND rt.ticket_id > %(base)s;

-- The knowledge base: 400 FAQs, 3,000 clusters of similar tickets (sizes
-- skewed: a few large, many small) over a quarter of the tickets.
INSERT INTO helpdesk_kbcategory (title, slug, description, public, name)
VALUES ('基准测试', 'bench', '', true, '基准测试') ON CONFLICT DO NOTHING;
INSERT INTO helpdesk_kbitem (title, question, answer, votes, recommendations, last_updated,
                             category_id, enabled)
SELECT '常见问题 ' || g, '如何处理问题 ' || g || '？', '按步骤操作。', 0, 0, now(),
       (SELECT min(id) FROM helpdesk_kbcategory), true
FROM generate_series(1, 400) AS g;
INSERT INTO kb_faq (state, category, is_public, source, review_note, created, updated,
  published_at, question_segmented, answer_segmented, kbitem_id, subsystem_id)
SELECT 'published', 'fault', true, '', '', now(), now(), now(), '', '', k.id,
       (SELECT id FROM b_sub WHERE n = k.id %% (SELECT count(*) FROM b_sub))
FROM helpdesk_kbitem k WHERE k.title LIKE '常见问题 %%'
  AND NOT EXISTS (SELECT 1 FROM kb_faq f WHERE f.kbitem_id = k.id);
CREATE TEMP TABLE b_faq AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM kb_faq;

INSERT INTO kb_faqcandidate (title, size, state, created)
SELECT '同类问题 ' || g, 0, (ARRAY['open','open','drafted','dismissed'])[1 + g %% 4], now()
FROM generate_series(1, 3000) AS g;
INSERT INTO kb_faqcandidate_tickets (faqcandidate_id, ticket_id)
SELECT (SELECT min(id) FROM kb_faqcandidate) + floor(power(r.r_cluster * 4, 3) / 64 * 3000)::int,
       r.id
FROM b_rows r WHERE r.resolved AND r.r_cluster < 0.25;

INSERT INTO kb_deflection (query, created, subsystem_id, user_id, faq_id)
SELECT '如何处理问题', r.created + interval '5 minutes', s.id, d.reporter, f.id
FROM b_rows r JOIN b_dept d ON d.n = r.dept_n JOIN b_sub s ON s.n = r.sub_n
JOIN b_faq f ON f.n = floor(power(r.r_rate, 2) * (SELECT count(*) FROM b_faq))::int
WHERE r.g %% 20 < 3;

INSERT INTO kb_searchmiss (query, normalised, "where", created, user_id)
SELECT '找不到 ' || (r.g %% 2000), '找不到 ' || (r.g %% 2000), 'filing',
       r.created + interval '2 minutes', d.reporter
FROM b_rows r JOIN b_dept d ON d.n = r.dept_n WHERE r.g %% 20 = 7;

INSERT INTO audit_withdrawal (ticket_id, withdrawn_by_id, withdrawn_at, reason, was_on_hold,
                              restore_reason)
SELECT r.id, (SELECT min(id) FROM people_user WHERE role = 'admin'),
       r.created + interval '1 day', '重复提交', false, ''
FROM b_rows r WHERE r.g %% 500 = 11;

SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'),
              (SELECT max(id) FROM helpdesk_ticket));
"""


def fill(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM helpdesk_ticket WHERE title LIKE %s", [BENCH_TITLE + "%"]
        )
        existing = cursor.fetchone()[0]
        if existing:
            print(f"{existing:,} bench tickets already there (delete the database to refill)")
            return
        call_command("load_regions", verbosity=0)
        call_command("seed_demo", tickets=0, verbosity=0)
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
        base = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute(FILL.replace("%(title)s", BENCH_TITLE), {"n": n, "base": base})
        cursor.execute("ANALYZE")
        print(f"filled {n + n // 4:,} tickets in {time.perf_counter() - started:.0f} s")
        for table in (
            "helpdesk_ticket",
            "helpdesk_followup",
            "sla_slaclock",
            "sla_escalationevent",
            "sla_handlinglogentry",
            "satisfaction_rating",
            "kb_faqcandidate_tickets",
            "kb_deflection",
            "kb_searchmiss",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names above)
            print(f"    {table}: {cursor.fetchone()[0]:,} rows")
        cursor.execute("SELECT count(DISTINCT assigned_to_id) FROM helpdesk_ticket")
        print(f"    operators holding tickets: {cursor.fetchone()[0]}")


def load_average() -> str:
    """The machine is shared: a figure means little without the load beside it."""
    return " / ".join(f"{n:.2f}" for n in os.getloadavg())


def timed(label, function, rounds):
    runs, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    median = statistics.median(runs)
    print(
        f"{label:<52} median {median:6.2f} s  (rounds "
        + ", ".join(f"{r:.2f}" for r in runs)
        + f"; load {load_average()})",
        flush=True,
    )
    return result, median


# --- The baseline: the same figures as plain SQL ----------------------------
# One straightforward query per figure, as a report written by hand would run
# them: each joins tickets, their details and clocks and leaves withdrawn
# tickets out. %(s)s / %(e)s bound the period, %(ps)s / %(pe)s the previous one.

LIVE = "t.id NOT IN (SELECT ticket_id FROM audit_withdrawal WHERE restored_at IS NULL)"
BASELINE = {
    "filed by month": """
        SELECT date_trunc('month', t.created AT TIME ZONE 'Asia/Shanghai'), count(*)
        FROM helpdesk_ticket t WHERE {live} AND t.created >= %(s)s AND t.created < %(e)s
        GROUP BY 1""",
    "counties: filed, resolved, on time": """
        SELECT substr(d.region_id, 1, 6),
               count(*) FILTER (WHERE t.created >= %(s)s AND t.created < %(e)s),
               count(c.id), count(c.id) FILTER (WHERE c.breached_at IS NULL)
        FROM helpdesk_ticket t JOIN tickets_ticketdetails d ON d.ticket_id = t.id
        LEFT JOIN sla_slaclock c ON c.ticket_id = t.id AND c.kind = 'resolution'
             AND c.stopped_at >= %(s)s AND c.stopped_at < %(e)s AND c.policy_id IS NOT NULL
        WHERE {live} GROUP BY 1""",
    "response and resolution times": """
        SELECT c.kind, count(*), count(*) FILTER (WHERE c.breached_at IS NULL),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.consumed_seconds / 60.0),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY c.consumed_seconds / 60.0),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.target_minutes)
        FROM sla_slaclock c JOIN helpdesk_ticket t ON t.id = c.ticket_id
        WHERE {live} AND c.stopped_at >= %(s)s AND c.stopped_at < %(e)s
          AND c.policy_id IS NOT NULL GROUP BY 1""",
    "breaches, breached tickets": """
        SELECT c.kind, count(*), count(DISTINCT c.ticket_id)
        FROM sla_slaclock c JOIN helpdesk_ticket t ON t.id = c.ticket_id
        WHERE {live} AND c.breached_at >= %(s)s AND c.breached_at < %(e)s GROUP BY 1""",
    "escalations": """
        SELECT st.clock, st.percent, count(*), count(DISTINCT ev.clock_id)
        FROM sla_escalationevent ev JOIN sla_escalationstep st ON st.id = ev.step_id
        JOIN sla_slaclock c ON c.id = ev.clock_id JOIN helpdesk_ticket t ON t.id = c.ticket_id
        WHERE {live} AND ev.fired_at >= %(s)s AND ev.fired_at < %(e)s GROUP BY 1, 2""",
    "backlog by age": """
        SELECT width_bucket(extract(epoch FROM %(e)s - c.started_at) / 86400,
                            ARRAY[1, 3, 7, 30]), count(*)
        FROM sla_slaclock c JOIN helpdesk_ticket t ON t.id = c.ticket_id
        WHERE {live} AND c.kind = 'resolution' AND c.started_at < %(e)s
          AND (c.stopped_at IS NULL OR c.stopped_at >= %(e)s) GROUP BY 1""",
    "overdue: count, still open, first 200": """
        WITH late AS (
          SELECT c.*, (c.stopped_at IS NULL OR c.stopped_at >= %(e)s) AS still_open
          FROM sla_slaclock c JOIN helpdesk_ticket t ON t.id = c.ticket_id
          WHERE {live} AND c.kind = 'resolution'
            AND (c.breached_at < %(e)s OR (c.stopped_at IS NULL AND c.due_at < %(e)s))
            AND c.started_at < %(e)s AND (c.stopped_at IS NULL OR c.stopped_at >= %(s)s))
        SELECT count(*), count(*) FILTER (WHERE still_open),
               (SELECT array_agg(id) FROM (SELECT id FROM late ORDER BY due_at, id LIMIT 200) x)
        FROM late""",
    "emergencies": """
        SELECT count(*) FROM sla_incident i JOIN helpdesk_ticket t ON t.id = i.ticket_id
        WHERE {live} AND i.started_at >= %(s)s AND i.started_at < %(e)s""",
    "handling log by kind": """
        SELECT l.kind, count(*) FROM sla_handlinglogentry l
        JOIN helpdesk_ticket t ON t.id = l.ticket_id
        WHERE {live} AND l.at >= %(s)s AND l.at < %(e)s GROUP BY 1""",
    "ratings by score": """
        SELECT r.score, count(*) FROM satisfaction_rating r
        JOIN helpdesk_ticket t ON t.id = r.ticket_id
        WHERE {live} AND r.rated_at >= %(s)s AND r.rated_at < %(e)s GROUP BY 1""",
    "差评 follow-ups": """
        SELECT count(*) FILTER (WHERE f.opened_at >= %(s)s AND f.opened_at < %(e)s),
               count(*) FILTER (WHERE f.rectified_at >= %(s)s AND f.rectified_at < %(e)s),
               count(*) FILTER (WHERE f.opened_at < %(e)s
                                AND (f.rectified_at IS NULL OR f.rectified_at >= %(e)s)),
               count(*) FILTER (WHERE f.opened_at < %(e)s AND f.due_at < %(e)s
                                AND (f.rectified_at IS NULL OR f.rectified_at > f.due_at))
        FROM satisfaction_badratingfollowup f JOIN helpdesk_ticket t ON t.id = f.ticket_id
        WHERE {live}""",
    "recurring problems (clusters)": """
        SELECT ct.faqcandidate_id, count(*) FROM kb_faqcandidate_tickets ct
        JOIN helpdesk_ticket t ON t.id = ct.ticket_id
        WHERE {live} AND t.created >= %(s)s AND t.created < %(e)s
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10""",
    "deflections by FAQ": """
        SELECT faq_id, count(*) FROM kb_deflection
        WHERE created >= %(s)s AND created < %(e)s GROUP BY 1 ORDER BY 2 DESC, 1""",
    "knowledge gaps": """
        SELECT normalised, count(*) FROM kb_searchmiss
        WHERE created >= %(s)s AND created < %(e)s AND handled_at IS NULL
        GROUP BY 1 ORDER BY 2 DESC LIMIT 10""",
    "operators": """
        SELECT t.assigned_to_id,
               count(*) FILTER (WHERE c.stopped_at >= %(s)s AND c.stopped_at < %(e)s),
               count(*) FILTER (WHERE c.stopped_at >= %(s)s AND c.stopped_at < %(e)s
                                AND c.breached_at IS NULL),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.consumed_seconds / 60.0)
                 FILTER (WHERE c.stopped_at >= %(s)s AND c.stopped_at < %(e)s),
               count(*) FILTER (WHERE c.started_at < %(e)s
                                AND (c.stopped_at IS NULL OR c.stopped_at >= %(e)s))
        FROM sla_slaclock c JOIN helpdesk_ticket t ON t.id = c.ticket_id
        WHERE {live} AND c.kind = 'resolution' GROUP BY 1""",
    "weak spots: departments, subsystems, categories": """
        SELECT d.department_id, d.subsystem_id, d.category,
               count(*) FILTER (WHERE t.created >= %(s)s AND t.created < %(e)s),
               count(*) FILTER (WHERE c.stopped_at >= %(s)s AND c.stopped_at < %(e)s),
               count(*) FILTER (WHERE c.stopped_at >= %(s)s AND c.stopped_at < %(e)s
                                AND c.breached_at IS NULL),
               count(*) FILTER (WHERE c.stopped_at >= %(ps)s AND c.stopped_at < %(pe)s),
               count(*) FILTER (WHERE c.stopped_at >= %(ps)s AND c.stopped_at < %(pe)s
                                AND c.breached_at IS NULL)
        FROM helpdesk_ticket t JOIN tickets_ticketdetails d ON d.ticket_id = t.id
        LEFT JOIN sla_slaclock c ON c.ticket_id = t.id AND c.kind = 'resolution'
        WHERE {live} GROUP BY ROLLUP (1, 2, 3)""",
    "previous period: filed, times, breaches, ratings": """
        SELECT (SELECT count(*) FROM helpdesk_ticket t
                WHERE {live} AND t.created >= %(ps)s AND t.created < %(pe)s),
               (SELECT count(*) FROM sla_slaclock c JOIN helpdesk_ticket t ON t.id = c.ticket_id
                WHERE {live} AND c.breached_at >= %(ps)s AND c.breached_at < %(pe)s),
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.consumed_seconds)
                FROM sla_slaclock c JOIN helpdesk_ticket t ON t.id = c.ticket_id
                WHERE {live} AND c.stopped_at >= %(ps)s AND c.stopped_at < %(pe)s),
               (SELECT count(*) FROM satisfaction_rating r JOIN helpdesk_ticket t
                  ON t.id = r.ticket_id
                WHERE {live} AND r.rated_at >= %(ps)s AND r.rated_at < %(pe)s)""",
}


def roll_up() -> None:
    """Count the finished days the daily roll-up does not hold yet, as the
    beat does every ten minutes (all of them on the first run)."""
    from reporting import services

    started = time.perf_counter()
    days = services.roll_up()
    print(f"roll-up: {days:,} days counted in {time.perf_counter() - started:.1f} s")


def vacuum() -> None:
    """What autovacuum does soon after a bulk load or a roll-up, done now
    (this server runs without it): the planner's statistics and the
    visibility map that index-only scans need."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"vacuum: {time.perf_counter() - started:.1f} s")


def baseline(bounds) -> dict:
    from django.db import connection

    from reporting.selectors import report_session

    found = {}
    with report_session(), connection.cursor() as cursor:
        for name, sql in BASELINE.items():
            cursor.execute(sql.replace("{live}", LIVE), bounds)
            found[name] = cursor.fetchall()
    return found


def check_equal(ours, plain) -> list[str]:
    """Our main figures against the plain SQL's: the names of those that differ."""
    times = {row[0]: row for row in plain["response and resolution times"]}
    backlog_total = sum(n for _bucket, n in plain["backlog by age"])
    overdue_total, _open, _first = plain["overdue: count, still open, first 200"][0]
    expected = {
        "filed": (ours.volume["total"], sum(n for _m, n in plain["filed by month"])),
        "resolved": (ours.resolution["n"], times["resolution"][1]),
        "resolved on time": (ours.resolution["met"], times["resolution"][2]),
        "resolution median": (round(ours.resolution["p50"], 3), round(times["resolution"][3], 3)),
        "backlog": (ours.backlog["total"], backlog_total),
        "overdue": (ours.overdue["total"], overdue_total),
        "emergencies": (ours.emergencies["total"], plain["emergencies"][0][0]),
    }
    return [name for name, (a, b) in expected.items() if a != b]


def commit() -> str:
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return found.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


MEASUREMENTS = ("page", "figures", "baseline", "month", "county", "docx", "xlsx")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="bench database, e.g. bench_ledger_1m")
    parser.add_argument("--redis-db", type=int, required=True, help="Redis database number")
    parser.add_argument("--tickets", type=int, default=200_000, help="tickets in the year 2025")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--measure",
        nargs="+",
        choices=MEASUREMENTS,
        default=list(MEASUREMENTS),
        help="what to time (default: all)",
    )
    parser.add_argument("--fill-only", action="store_true", help="create and fill, measure nothing")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench-annual-report.docx")
    args = parser.parse_args()
    prepare_environment(args.database, args.redis_db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    import django

    django.setup()
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, "
        f"database {args.database}, {args.rounds} rounds, load {load_average()} "
        f"on {os.cpu_count()} cores"
    )
    fill(args.tickets)
    if args.fill_only:
        return
    roll_up()
    vacuum()

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from helpdesk.models import Ticket

    from helpdesk_site.people.models import User
    from helpdesk_site.regions.models import Region
    from reporting import selectors, services
    from reporting.periods import containing

    year = containing("year", dt.date(2025, 6, 1))
    previous = containing("year", dt.date(2024, 6, 1))
    prefecture = Region.objects.get(code="513300")
    kangding = Region.objects.get(code="513301")
    supervisor = User.objects.get(username="gz_supervisor")
    print(f"database: {Ticket.objects.count():,} tickets; measured period {year.title}")

    def figures(period, region=prefecture):
        return selectors.figures(selectors.Filters(period=period, region=region), user=supervisor)

    # The page as served, less collectstatic's manifest (not made for a bench).
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    cache.clear()
    client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip("."))
    client.force_login(supervisor)

    def page():
        response = client.get("/reports/", {"kind": "year", "date": "2025-01-01"})
        assert response.status_code == 200, response.status_code
        return response

    start, end = year.instants()
    before_start, before_end = previous.instants()
    bounds = {"s": start, "e": end, "ps": before_start, "pe": before_end}
    measured, results = set(args.measure), {}
    if "page" in measured:
        page()  # warm-up: templates, translations, first compiled queries

        def page_uncached():
            cache.clear()
            return page()

        _r, results["page_uncached"] = timed(
            "dashboard page, prefecture, year, nothing cached", page_uncached, args.rounds
        )
        page()
        _r, results["page"] = timed("dashboard page, prefecture, year, again", page, args.rounds)
    if "figures" in measured:
        ours, results["figures"] = timed(
            "  its figures alone (selectors.figures)", lambda: figures(year), args.rounds
        )
    if "baseline" in measured:
        plain, results["baseline"] = timed(
            "baseline: the same figures in plain SQL", lambda: baseline(bounds), args.rounds
        )
        if "figures" in measured:
            differ = check_equal(ours, plain)
            print(
                f"    year: {ours.volume['total']:,} filed, {ours.resolution['n']:,} resolved; "
                + ("main figures equal to the plain SQL's" if not differ else f"DIFFER: {differ}")
            )
    if "month" in measured:
        timed(
            "dashboard figures, prefecture, one month",
            lambda: figures(containing("month", dt.date(2025, 6, 1))),
            args.rounds,
        )
    if "county" in measured:
        timed("dashboard figures, 康定市, year", lambda: figures(year, kangding), args.rounds)
    if "docx" in measured:
        content, results["docx"] = timed(
            "annual report .docx, prefecture",
            lambda: services.render_report(year, prefecture, "docx"),
            args.rounds,
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(content)
        print(f"    wrote {args.out} ({len(content):,} bytes)")
    if "xlsx" in measured:
        timed(
            "annual report .xlsx, prefecture",
            lambda: services.render_report(year, prefecture, "xlsx"),
            args.rounds,
        )
    for name in ("page_uncached", "page", "figures", "docx"):
        if name in results and "baseline" in results:
            print(f"{name} / plain SQL: {results[name] / results['baseline']:.2f}×")
    cache.clear()


if __name__ == "__main__":
    main()
