"""What every bench shares: where it works (a PostgreSQL database and a Redis
database named on its command line, never a fixed name that two runs would
share), what it prints first (date, commit, machine, load average, rounds),
the median over rounds, and tidying up what it put in the shared servers.

    from bench import runinfo

    runinfo.add_arguments(parser, database="bench_perf_sla")
    args = parser.parse_args()
    with runinfo.Services(args) as services:   # sets DATABASE_URL and REDIS_URL
        runinfo.header("SLA sweep", args.rounds)
        ...
"""

import contextlib
import datetime as dt
import os
import re
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def add_arguments(parser, *, database: str | None, redis_db: int | None = 14, rounds=3) -> None:
    """--database, --keep, --redis-db and --rounds. A database the bench
    creates is dropped at the end unless --keep; one that was there is used
    as found and left."""
    if database is not None:
        parser.add_argument(
            "--database",
            default=database,
            help=f"PostgreSQL database on {POSTGRES} (default {database})",
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the database if this run created it"
        )
    if redis_db is not None:
        parser.add_argument(
            "--redis-db",
            type=int,
            default=redis_db,
            help=f"Redis database on {REDIS}; keys this run adds are deleted at the end",
        )
    if rounds is not None:
        parser.add_argument("--rounds", type=int, default=rounds, help="timed rounds")


def database_url(name: str) -> str:
    return f"{POSTGRES}/{name}"


def redis_url(db: int) -> str:
    return f"{REDIS}/{db}"


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}" if head else "unknown"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def header(title: str, rounds: int | None = None, **where) -> None:
    """The lines every bench prints first."""
    now = dt.datetime.now(dt.UTC)
    print(f"== {title}")
    print(f"date {now:%Y-%m-%d %H:%M} UTC; commit {commit()}")
    print(f"machine {os.cpu_count()} cores, {os.uname().nodename}; load average {load_average()}")
    details = [f"{key} {value}" for key, value in where.items()]
    if rounds is not None:
        details.append(f"{rounds} rounds, medians reported")
    if details:
        print("; ".join(details))


def median(values):
    return statistics.median(values) if values else float("nan")


def _admin():
    import psycopg

    return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)


class Services(contextlib.AbstractContextManager):
    """Points DATABASE_URL and REDIS_URL at the run's database and Redis
    database; on leaving, drops the database if this run created it (unless
    --keep) and deletes the Redis keys the run added (queued tasks, rate
    limits, cache entries)."""

    def __init__(self, args, *, fresh=False):
        self.name = getattr(args, "database", None)
        self.keep = getattr(args, "keep", False)
        self.redis_db = getattr(args, "redis_db", None)
        self.fresh = fresh
        self.created = False
        self.redis_before: set[bytes] | None = None

    def __enter__(self):
        if self.name is not None:
            if not NAME.match(self.name):
                raise SystemExit(f"--database {self.name!r}: lower-case letters, digits and _")
            with _admin() as admin:
                exists = admin.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
                ).fetchone()
                if exists and self.fresh:
                    # Never drop what another run may be using: ask for another name.
                    raise SystemExit(
                        f"database {self.name} exists (another run's?): give another --database"
                    )
                if not exists:
                    admin.execute(f'CREATE DATABASE "{self.name}"')
                    self.created = True
            os.environ["DATABASE_URL"] = database_url(self.name)
        if self.redis_db is not None:
            os.environ["REDIS_URL"] = redis_url(self.redis_db)
            self.redis_before = set(self._redis().scan_iter(count=1000))
        return self

    def _redis(self):
        import redis

        return redis.Redis.from_url(redis_url(self.redis_db))

    def __exit__(self, *exc):
        if self.redis_before is not None:
            client = self._redis()
            added = [key for key in client.scan_iter(count=1000) if key not in self.redis_before]
            if added:
                client.delete(*added)
            print(f"cleaned up: {len(added)} Redis keys this run added in db {self.redis_db}")
        if self.created and not self.keep:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            print(f"cleaned up: database {self.name} dropped")
        elif self.name is not None:
            print(f"database {self.name} kept")
        return False
