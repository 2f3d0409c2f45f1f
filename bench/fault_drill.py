"""Fault drill: the desk under a Redis kill, PostgreSQL stops and a Celery
worker killed in the middle of an SLA sweep, with users working throughout.

    .venv/bin/python bench/fault_drill.py            # the full drill, a few minutes
    .venv/bin/python bench/fault_drill.py --quick    # a short one, under two minutes

It starts everything it needs on loopback ports free at the time: its own
redis-server, a private PostgreSQL cluster (initdb into a temporary folder),
daphne, a Celery worker and Celery beat. The shared servers are never
touched. Simulated users log in with the demo accounts and file tickets
(the form and the API), comment, and chat (websocket and HTTP), each write
carrying a unique marker; a person whose request fails tries again, with the
same marker. Meanwhile the drill kills Redis, stops PostgreSQL, and kills the
worker while it sweeps many due escalations, restarting each after a while.

Then it counts in the database what the users believed stored, and in the
e-mail folder what was sent, and prints: requests and answers by phase,
server errors during each outage, data lost or duplicated, e-mails lost or
duplicated, escalation steps fired once, and the time each fault took to
heal. Everything it started is stopped and its folder removed, however it
ends. It is a measurement: exit status 0 whatever it finds, 1 if the drill
could not run, 2 for bad arguments. See docs/reliability.md.
"""

import argparse
import atexit
import contextlib
import dataclasses
import datetime as dt
import email
import email.policy
import email.utils
import glob
import html.parser
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import connect as ws_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402

PASSWORD = "Ganzi@2026"  # noqa: S105 — the demo accounts' password, listed in the README
# Demo accounts with a department: they can file, comment and chat.
REPORTERS = [
    "kd_reporter",
    "ld_reporter",
    "kd_reporter2",
    *(f"reporter{i:02d}" for i in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11)),
]
DEMO_TICKETS = 20
# What each write is and the letter its marker carries: FD<letter><user>x<seq>.
WRITES = {
    "t": "tickets (form)",
    "a": "tickets (API)",
    "c": "comments",
    "w": "chat lines (websocket)",
    "m": "chat lines (HTTP)",
}
MARKER = re.compile(r"FD[tacwm]\d{2}x\d{5}")
TICKET_URL = re.compile(r"/tickets/(\d+)/$")
PHASES = ("normal", "Redis down", "PostgreSQL down", "worker killed", "recovered")
OUTAGES = PHASES[1:4]
HTTP_TIMEOUT = (3, 30)  # a person waits this long, then presses again
WS_ANSWER_SECONDS = 10
GIVE_UP_SECONDS = 90  # a person tries again for this long, then gives up
MAX_PENDING = 3  # failed writes a person keeps trying again while doing other things
SWEEP_TICKET_AGE = dt.timedelta(days=30)  # every step of the ladder is due


@dataclass(frozen=True)
class Profile:
    name: str
    users: int
    normal: float  # seconds of traffic before the first fault
    outage: float  # seconds each fault lasts
    after: float  # seconds of traffic after each restart
    pg_modes: tuple[str, ...]
    sweep_tickets: int  # open tickets whose whole ladder falls due at once
    settle: float  # at most this long for queues and mail to drain at the end


QUICK = Profile("quick", 4, 6, 6, 5, ("immediate",), 130, 20)
FULL = Profile("full", 6, 20, 15, 15, ("fast", "immediate"), 800, 60)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, under two minutes")
    parser.add_argument("--users", type=int, help="simulated users (default 4 quick, 6 full)")
    parser.add_argument("--outage", type=float, help="seconds each fault lasts")
    parser.add_argument(
        "--sweep-tickets",
        type=int,
        help="tickets made due for the sweep the worker is killed in (over 250: several batches)",
    )
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    args = parser.parse_args()
    base = QUICK if args.quick else FULL
    if args.users is not None and not 1 <= args.users <= len(REPORTERS):
        parser.error(f"--users must be between 1 and {len(REPORTERS)}")
    if args.outage is not None and not 2 <= args.outage <= 300:
        parser.error("--outage must be between 2 and 300 seconds")
    if args.sweep_tickets is not None and not 1 <= args.sweep_tickets <= 10_000:
        parser.error("--sweep-tickets must be between 1 and 10000")
    if args.logs is not None and args.logs.exists() and not args.logs.is_dir():
        parser.error("--logs must be a folder")
    return args, dataclasses.replace(
        base,
        users=args.users or base.users,
        outage=args.outage or base.outage,
        sweep_tickets=args.sweep_tickets or base.sweep_tickets,
    )


def now() -> float:
    return time.monotonic()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, timeout: float, what: str, every: float = 0.2):
    deadline = now() + timeout
    while now() < deadline:
        with contextlib.suppress(Exception):
            result = check()
            if result:
                return result
        time.sleep(every)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")


# --- The drill's own servers and processes ---------------------------------


class Site:
    """Redis, PostgreSQL, daphne, the worker and beat of this drill, in a
    temporary folder of their own; `cleanup` stops them all and removes it."""

    def __init__(self):
        self.pg_bin = self._find_pg_bin()
        self.redis_server = shutil.which("redis-server")
        if self.redis_server is None:
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        self.tmp = Path(tempfile.mkdtemp(prefix="fault-drill-"))
        self.tmp.chmod(0o755)  # PostgreSQL runs as its own user and must reach its folder
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.mail = self.tmp / "mail"
        self.mail.mkdir()
        # The running children by name, and how each was launched; a child
        # stopped on purpose is taken out first, so the supervisor knows.
        self.lock = threading.RLock()
        self.procs: dict[str, subprocess.Popen] = {}
        self.launch: dict[str, tuple[list[str], dict]] = {}
        self.ports = {name: free_port() for name in ("redis", "postgres", "web")}
        # initdb and postgres refuse to run as root.
        self.as_postgres = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}
        self.cleaned = False
        self.env = self._environment()

    @staticmethod
    def _find_pg_bin() -> Path:
        found = sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"),
            key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
        )
        if not found:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        return Path(found[-1]).parent

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['web']}"

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/drill"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/0"

    def _environment(self) -> dict:
        """The children's environment: nothing from the caller's that the
        settings read, so a developer's DATABASE_URL never leaks in."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER")
        env = {k: v for k, v in os.environ.items() if k in keep}
        var = self.tmp / "var"
        env.update(
            DJANGO_SETTINGS_MODULE="helpdesk_site.settings",
            PYTHONUNBUFFERED="1",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            SECRET_KEY=secrets.token_urlsafe(50),
            VAR_DIR=str(var),
            MEDIA_ROOT=str(var / "media"),
            # Django's file-based backend: one file per connection, countable
            # across the web and worker processes. django-environ drops one
            # leading slash, hence four for an absolute path.
            EMAIL_URL=f"filemail:///{self.mail}",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
            # The chat's per-user budget is not under test here.
            CHAT_RATE_LIMIT="100000",
        )
        return env

    def spawn(self, name: str, command: list[str], **kwargs) -> subprocess.Popen:
        with self.lock, open(self.logs / f"{name}.log", "ab") as log:
            self.launch[name] = (command, dict(kwargs))
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed whole
                cwd=kwargs.pop("cwd", ROOT),
                env=kwargs.pop("env", self.env),
                **kwargs,
            )
            self.procs[name] = proc
        return proc

    def respawn(self, name: str) -> None:
        command, kwargs = self.launch[name]
        self.spawn(name, command, **kwargs)

    def take(self, name: str) -> subprocess.Popen | None:
        """Take a child out of the running set before stopping it on purpose."""
        with self.lock:
            return self.procs.pop(name, None)

    def alive(self, name: str) -> bool:
        with self.lock:
            proc = self.procs.get(name)
            return proc is not None and proc.poll() is None

    def kill(self, name: str, sig=signal.SIGKILL, grace: float = 10) -> None:
        """Signal a child's whole process group; SIGKILL whatever outlives the grace."""
        proc = self.take(name)
        if proc is not None:
            self._signal(proc, sig, grace)

    @staticmethod
    def _signal(proc: subprocess.Popen, sig, grace: float) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # Worker children may outlive their leader for a moment.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    def log_size(self, name: str) -> int:
        path = self.logs / f"{name}.log"
        return path.stat().st_size if path.exists() else 0

    def log_text(self, name: str, offset: int = 0) -> str:
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        with open(path, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    # Redis: RDB snapshots off (--save ""), append-only file on, as in docker-compose.yml.

    def start_redis(self) -> None:
        folder = self.tmp / "redis"
        folder.mkdir(exist_ok=True)
        port = str(self.ports["redis"])
        command = [self.redis_server, "--port", port, "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "yes", "--dir", str(folder), "--daemonize", "no"]
        self.spawn("redis", command)
        import redis

        client = redis.Redis(port=self.ports["redis"], socket_timeout=1)
        wait_until(client.ping, 20, "redis-server")
        client.close()

    def redis(self):
        import redis

        return redis.Redis(port=self.ports["redis"], socket_timeout=2)

    # PostgreSQL: a private cluster, trust authentication on loopback.

    def init_postgres(self) -> None:
        data, sockets = self.tmp / "pgdata", self.tmp / "pgsocket"
        data.mkdir()
        sockets.mkdir()
        if self.as_postgres:
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(sockets, "postgres", "postgres")
        with open(self.logs / "initdb.log", "wb") as log:
            command = [str(self.pg_bin / "initdb"), "-D", str(data), "-U", "postgres"]
            command += ["--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
            subprocess.run(
                command,
                cwd=self.tmp,
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
                **self.as_postgres,
            )

    def start_postgres(self) -> None:
        command = [str(self.pg_bin / "postgres"), "-D", str(self.tmp / "pgdata")]
        command += ["-p", str(self.ports["postgres"]), "-c", "listen_addresses=127.0.0.1"]
        command += ["-c", f"unix_socket_directories={self.tmp / 'pgsocket'}"]
        command += ["-c", "max_connections=200"]
        self.spawn("postgres", command, cwd=self.tmp, **self.as_postgres)
        wait_until(lambda: self.pg_connect("postgres").close() or True, 60, "PostgreSQL")

    def stop_postgres(self, mode: str) -> None:
        """pg_ctl stop: `fast` rolls back open transactions and checkpoints;
        `immediate` aborts, and the next start recovers from the WAL."""
        proc = self.take("postgres")
        command = [str(self.pg_bin / "pg_ctl"), "stop", "-D", str(self.tmp / "pgdata")]
        command += ["-m", mode, "-w", "-t", "60"]
        subprocess.run(
            command,
            cwd=self.tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            **self.as_postgres,
        )
        if proc is not None:
            self._signal(proc, signal.SIGQUIT, grace=10)

    def pg_connect(self, database: str = "drill"):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.ports["postgres"],
            user="postgres",
            dbname=database,
            autocommit=True,
            connect_timeout=2,
        )

    # The application: daphne as docker/Dockerfile runs it, worker and beat as compose does.

    def start_web(self) -> None:
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.ports["web"])]
        command += ["--proxy-headers", "helpdesk_site.asgi:application"]
        self.spawn("web", command)

    def wait_web(self) -> None:
        health = f"{self.base_url}/healthz/"
        wait_until(lambda: requests.get(health, timeout=2).status_code == 200, 120, "daphne")

    def start_worker(self) -> None:
        self.worker_log_offset = self.log_size("worker")
        command = [sys.executable, "-m", "celery", "-A", "helpdesk_site", "worker"]
        command += ["--concurrency", "2", "--loglevel", "INFO"]
        self.spawn("worker", command)

    def wait_worker(self) -> None:
        """Until the worker says it is ready."""

        def ready():
            return " ready." in self.log_text("worker", self.worker_log_offset)

        wait_until(ready, 120, "Celery worker", 0.1)

    def start_beat(self) -> None:
        schedule = self.tmp / "var" / "celerybeat-schedule"
        command = [sys.executable, "-m", "celery", "-A", "helpdesk_site", "beat"]
        command += ["--loglevel", "INFO", "--schedule", str(schedule)]
        self.spawn("beat", command)

    def cleanup(self, keep_logs: Path | None = None) -> None:
        if self.cleaned:
            return
        self.cleaned = True
        self.launch.clear()
        for name in ("web", "beat", "worker"):
            self.kill(name, signal.SIGTERM, grace=5)
        self.kill("redis", signal.SIGTERM, grace=5)
        # SIGQUIT is PostgreSQL's immediate shutdown; nothing here is worth keeping.
        self.kill("postgres", signal.SIGQUIT, grace=10)
        for name in list(self.procs):
            self.kill(name)
        if keep_logs is not None:
            keep_logs.mkdir(parents=True, exist_ok=True)
            for log in self.logs.glob("*.log"):
                shutil.copy(log, keep_logs / log.name)
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- Setup: database, demo data, the sweep's backlog -----------------------


def setup(site: Site, profile: Profile) -> dict:
    """Migrate, load regions and subsystems, seed the demo accounts and a few
    tickets (the Makefile's setup), then the drill's own: a team lead, so
    escalations have someone to mail, and the sweep's backlog, not yet due."""
    collectstatic = site.spawn(
        "collectstatic", [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    )
    site.init_postgres()
    site.start_postgres()
    with site.pg_connect("postgres") as conn:
        conn.execute("CREATE DATABASE drill")
    site.start_redis()

    # This process works on the drill's database too: the same environment as
    # its children, and nothing else the settings might read.
    for name in set(os.environ) - set(site.env):
        del os.environ[name]
    os.environ.update(site.env)
    import io

    import django
    from django.core.management import call_command

    django.setup()
    quiet = io.StringIO()
    call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
    call_command("load_regions", stdout=quiet)
    if collectstatic.wait() != 0:
        raise RuntimeError("collectstatic failed: see its log (--logs)")
    site.take("collectstatic")
    # The servers start while the demo data is seeded: they need the tables, not the rows.
    site.start_web()
    site.start_worker()
    site.start_beat()
    call_command("seed_demo", tickets=DEMO_TICKETS, stdout=quiet)
    sweep = seed_sweep_backlog(profile.sweep_tickets)
    from django.db import connection

    with connection.cursor() as cursor:
        # As a running server would have done by now: a crash recovers from
        # here, not by replaying the whole setup.
        cursor.execute("CHECKPOINT")
    from django.db import connections

    from helpdesk_site.tickets.models import Subsystem

    subsystems = list(Subsystem.objects.filter(is_active=True).values_list("code", flat=True))
    connections.close_all()
    return {"sweep": sweep, "subsystems": subsystems}


def seed_sweep_backlog(count: int) -> tuple[int, int]:
    """`count` open fault tickets filed a month ago, with their clocks, whose
    whole escalation ladder will be due the moment the drill says so.
    Returns the (first, last) ticket id."""
    from django.db import transaction
    from django.utils import timezone
    from helpdesk.models import Ticket

    from helpdesk_site.people.models import User
    from helpdesk_site.tickets.models import Subsystem, TicketDetails
    from sla import services
    from sla.models import SlaClock, TeamLead

    operator = User.objects.get(username="operator")
    TeamLead.objects.get_or_create(subsystem=None, defaults={"user": operator})
    reporter = User.objects.select_related("department").get(username="kd_reporter")
    subsystem = Subsystem.objects.select_related("queue").get(code="e_license")
    filed = timezone.now() - SWEEP_TICKET_AGE
    with transaction.atomic():
        tickets = Ticket.objects.bulk_create(
            Ticket(
                title=f"FDs{n:05d} 电子证照制作积压",
                queue=subsystem.queue,
                submitter_email=reporter.email,
                status=Ticket.OPEN_STATUS,
                priority=3,
                description="故障演练：升级阶梯全部到期的工单。",
            )
            for n in range(count)
        )
        ids = [t.pk for t in tickets]
        Ticket.objects.filter(pk__in=ids).update(created=filed, modified=filed)
        TicketDetails.objects.bulk_create(
            TicketDetails(
                ticket=t,
                reporter=reporter,
                department=reporter.department,
                region_id=reporter.department.region_id,
                subsystem=subsystem,
                category="fault",
            )
            for t in tickets
        )
    # One ticket's clocks through the service, the others copied from them
    # (same filing time, same clocks); none due until the drill says so, and
    # in one transaction, so a sweep of the running worker never sees them due.
    with transaction.atomic():
        services.start_clocks(Ticket.objects.get(pk=ids[0]))
        SlaClock.objects.filter(ticket_id=ids[0]).update(next_escalation_at=None)
        model = list(SlaClock.objects.filter(ticket_id=ids[0]))
        fields = [f.attname for f in SlaClock._meta.concrete_fields if f.attname != "id"]
        SlaClock.objects.bulk_create(
            SlaClock(**{**{f: getattr(c, f) for f in fields}, "ticket_id": tid})
            for tid in ids[1:]
            for c in model
        )
    return min(ids), max(ids)


# --- What the users did, as they saw it ------------------------------------


@dataclass
class Attempt:
    kind: str
    phase: str
    outcome: str  # an HTTP status, or what a socket or the network did
    t0: float
    t1: float
    ok: bool
    not_json: bool = False  # an error answer from a JSON endpoint that was not JSON
    no_retry_after: bool = False  # a 503 without Retry-After


@dataclass
class Intent:
    letter: str
    marker: str
    believed: bool = False  # the user got a success answer
    rejected: str = ""  # an answer that says do not try again
    gave_up: bool = False


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.t0 = now()
        self.phase = "normal"
        self.attempts: list[Attempt] = []
        self.intents: list[Intent] = []
        self.relogins: Counter = Counter()
        self.timeline: list[tuple[float, str]] = [(0.0, "traffic starts (normal)")]

    def at(self) -> float:
        return now() - self.t0

    def set_phase(self, phase: str, note: str) -> None:
        self.phase = phase
        self.note(note)

    def note(self, text: str) -> None:
        self.timeline.append((self.at(), text))
        print(f"  {self.at():6.1f} s  {text}", flush=True)

    def attempt(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.append(attempt)

    def intent(self, letter: str, marker: str) -> Intent:
        intent = Intent(letter, marker)
        with self.lock:
            self.intents.append(intent)
        return intent


@dataclass
class Pending:
    """A write that has failed so far, to be tried again (same marker) when due."""

    intent: Intent
    attempt: object  # one try: marker -> Try
    on_ok: object  # given the value of the try that succeeded
    deadline: float
    due: float = 0.0


@dataclass
class Try:
    """One try's verdict: ok (with a value), retry (after `wait`), relogin, reject."""

    verdict: str
    value: object = None
    wait: float = 1.0
    why: str = ""


def judge(response, good: bool) -> Try:
    """What a person (or a well-behaved client) does with an answer."""
    if good:
        return Try("ok", response)
    if response is None:
        return Try("retry", wait=1.0)
    code = response.status_code
    location = response.headers.get("Location", "")
    if code in (301, 302, 303) and "/accounts/login" in location:
        return Try("relogin")
    if code == 403:  # a lost session or a stale CSRF token
        return Try("relogin")
    if code == 429 or code >= 500:
        wait = 2.0 if code == 429 else 1.0
        with contextlib.suppress(TypeError, ValueError):
            wait = float(response.headers.get("Retry-After"))
        return Try("retry", wait=min(max(wait, 0.5), 5.0))
    return Try("reject", why=str(code))


class FormFields(html.parser.HTMLParser):
    """The forms of a page: each one's hidden fields, field names and the
    option values of its selects."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"hidden": {}, "names": set(), "options": defaultdict(list)})
            return
        if not self.forms:
            return
        form, name = self.forms[-1], a.get("name")
        if tag in ("input", "textarea", "select") and name:
            form["names"].add(name)
            if tag == "input" and (a.get("type") or "").lower() == "hidden":
                form["hidden"][name] = a.get("value") or ""
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and a.get("value"):
            form["options"][self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def with_fields(self, *names) -> dict | None:
        return next((f for f in self.forms if set(names) <= f["names"]), None)


class SimUser(threading.Thread):
    """One person at the desk: logs in, files, comments and chats, reads
    pages, and tries a failed write again (same marker) until it succeeds
    or they give up, doing other things meanwhile."""

    ACTIONS = ("file_by_form", "file_by_api", "comment", "chat_ws", "chat_http", "browse")
    WEIGHTS = (3, 2, 3, 3, 2, 2)

    def __init__(self, index, username, site, rec, stop, abort, subsystems):
        super().__init__(name=f"user-{username}", daemon=True)
        self.index, self.username, self.rec = index, username, rec
        self.base, self.web_port = site.base_url, site.ports["web"]
        self.stop, self.abort, self.subsystems = stop, abort, subsystems
        self.rng = random.Random(index)
        self.http = requests.Session()
        self.logged_in = False
        self.tickets: list[int] = []
        self.ws = None
        self.ws_room = None
        self.seq = 0
        self.pending: list[Pending] = []
        self.crashes: list[str] = []
        self.ready = threading.Event()  # logged in, with a ticket of their own

    def run(self):
        # After `stop`, only what is pending is tried again, until `abort`.
        while not self.abort.is_set() and not (self.stop.is_set() and not self.pending):
            try:
                self.act()
            except Exception as error:  # a bug in the drill, not in the desk: noted, not fatal
                self.crashes.append(f"{type(error).__name__}: {error}")
            self.abort.wait(self.rng.uniform(0.2, 0.6))
        for pending in self.pending:
            pending.intent.gave_up = True
        self.drop_ws()

    def act(self):
        due = [p for p in self.pending if p.due <= now()]
        if due:
            self.retry(due[0])
        elif self.stop.is_set() or len(self.pending) >= MAX_PENDING:
            return
        elif not self.logged_in:
            if not self.login():
                self.abort.wait(1.0)
        elif not self.tickets:
            if not self.pending:
                self.file_by_form()
        else:
            getattr(self, self.rng.choices(self.ACTIONS, self.WEIGHTS)[0])()

    # --- plumbing ----------------------------------------------------------

    def csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def call(self, kind, method, path, ok, json_errors=False, **kwargs):
        phase, t0 = self.rec.phase, now()
        response = None
        try:
            response = self.http.request(
                method, self.base + path, timeout=HTTP_TIMEOUT, allow_redirects=False, **kwargs
            )
            outcome = str(response.status_code)
        except requests.Timeout:
            outcome = "timeout"
        except requests.RequestException:
            outcome = "connection error"
        good = response is not None and ok(response)
        attempt = Attempt(kind, phase, outcome, t0, now(), good)
        if response is not None and response.status_code >= 400:
            content_type = response.headers.get("Content-Type", "")
            attempt.not_json = json_errors and not content_type.startswith("application/json")
            attempt.no_retry_after = (
                response.status_code == 503 and "Retry-After" not in response.headers
            )
        self.rec.attempt(attempt)
        return response, good

    def login(self) -> bool:
        self.drop_ws()
        self.http.cookies.clear()
        _page, good = self.call(
            "page", "GET", "/accounts/login/", ok=lambda r: r.status_code == 200
        )
        if not good:
            return False
        _r, good = self.call(
            "login",
            "POST",
            "/accounts/login/",
            ok=lambda r: r.status_code == 302 and "/accounts/login" not in r.headers["Location"],
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "username": self.username,
                "password": PASSWORD,
                "next": "/",
            },
        )
        self.logged_in = good
        return good

    def submit(self, letter: str, attempt, on_ok=lambda value: None) -> None:
        """A new write with its own marker, tried now and, if it fails, again
        later until it succeeds, is refused, or the person gives up."""
        self.seq += 1
        marker = f"FD{letter}{self.index:02d}x{self.seq:05d}"
        intent = self.rec.intent(letter, marker)
        self.retry(Pending(intent, attempt, on_ok, now() + GIVE_UP_SECONDS))

    def retry(self, pending: Pending) -> None:
        if pending in self.pending:
            self.pending.remove(pending)
        if not self.logged_in and not self.login():
            verdict = Try("retry", wait=1.0)
        else:
            verdict = pending.attempt(pending.intent.marker)
        if verdict.verdict == "ok":
            pending.intent.believed = True
            pending.on_ok(verdict.value)
            return
        if verdict.verdict == "reject":
            pending.intent.rejected = verdict.why or "refused"
            return
        if verdict.verdict == "relogin":
            self.rec.relogins[self.rec.phase] += 1
            self.logged_in = False
        if now() > pending.deadline:
            pending.intent.gave_up = True
            return
        pending.due = now() + verdict.wait
        self.pending.append(pending)

    def add_ticket(self, ticket_id) -> None:
        if ticket_id:
            self.tickets.append(ticket_id)
            self.ready.set()

    # --- what people do ----------------------------------------------------

    def file_by_form(self):
        page: dict = {}

        def attempt(marker):
            if "form" not in page:
                response, good = self.call(
                    "page", "GET", "/tickets/new/", ok=lambda r: r.status_code == 200
                )
                if not good:
                    return judge(response, good)
                form = FormFields(response.text).with_fields("title", "subsystem")
                if form is None or not form["options"]["subsystem"]:
                    return Try("reject", why="no filing form")
                page["form"] = form
                page["subsystem"] = self.rng.choice(form["options"]["subsystem"])
            form = page["form"]
            # What the browser sends again: the same page's fields, the current CSRF token.
            data = {
                **form["hidden"],
                "csrfmiddlewaretoken": self.csrf(),
                "subsystem": page["subsystem"],
                "category": "fault",
                "priority": "3",
                "title": f"{marker} 电子证照无法制作",
                "description": f"{marker} 故障演练：制作营业执照电子证照时页面一直转圈。",
                "contact_phone": "0836-2822222",
            }
            response, good = self.call(
                "file (form)",
                "POST",
                "/tickets/new/",
                ok=lambda r: r.status_code == 302 and TICKET_URL.search(r.headers["Location"]),
                data=data,
                headers={"Idempotency-Key": marker},
            )
            verdict = judge(response, good)
            if verdict.verdict == "ok":
                verdict.value = int(TICKET_URL.search(response.headers["Location"]).group(1))
            return verdict

        self.submit("t", attempt, self.add_ticket)

    def file_by_api(self):
        subsystem = self.rng.choice(self.subsystems)

        def attempt(marker):
            response, good = self.call(
                "file (API)",
                "POST",
                "/api/tickets/",
                ok=lambda r: r.status_code == 201,
                json_errors=True,
                json={
                    "subsystem": subsystem,
                    "category": "fault",
                    "priority": 3,
                    "title": f"{marker} 统一身份认证登录失败",
                    "description": f"{marker} 故障演练：通过接口提交。",
                },
                headers={"X-CSRFToken": self.csrf(), "Idempotency-Key": marker},
            )
            verdict = judge(response, good)
            if verdict.verdict == "ok":
                verdict.value = response.json().get("id")
            return verdict

        self.submit("a", attempt, self.add_ticket)

    def comment(self):
        ticket_id = self.rng.choice(self.tickets)
        path = f"/tickets/{ticket_id}/"

        def attempt(marker):
            response, good = self.call(
                "comment",
                "POST",
                f"{path}comment/",
                ok=lambda r: r.status_code == 302 and r.headers["Location"].endswith(path),
                data={
                    "csrfmiddlewaretoken": self.csrf(),
                    "comment": f"{marker} 补充：重启后仍然失败。",
                },
                headers={"Idempotency-Key": marker},
            )
            return judge(response, good)

        self.submit("c", attempt)

    def chat_http(self):
        ticket_id = self.rng.choice(self.tickets)

        def attempt(marker):
            response, good = self.call(
                "chat (HTTP)",
                "POST",
                f"/tickets/{ticket_id}/chat/messages/",
                ok=lambda r: r.status_code == 201,
                json_errors=True,
                json={"body": f"{marker} 请问处理到哪一步了？", "client_id": marker},
                headers={"X-CSRFToken": self.csrf(), "Idempotency-Key": marker},
            )
            return judge(response, good)

        self.submit("m", attempt)

    def browse(self):
        choice = self.rng.randrange(3)
        if choice == 0:
            self.call("page", "GET", "/tickets/", ok=lambda r: r.status_code == 200)
        elif choice == 1:
            self.call(
                "page", "GET", f"/tickets/{self.rng.choice(self.tickets)}/", ok=lambda r: r.ok
            )
        else:
            self.call("API list", "GET", "/api/tickets/", ok=lambda r: r.ok, json_errors=True)

    # --- the chat's socket -------------------------------------------------

    def drop_ws(self):
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.close()
            self.ws = None

    def open_ws(self, ticket_id) -> Try | None:
        """Connect to the ticket's room and wait for its hello; None when ready."""
        phase, t0 = self.rec.phase, now()
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        verdict = None
        try:
            self.ws = ws_connect(
                f"ws://127.0.0.1:{self.web_port}/ws/tickets/{ticket_id}/",
                origin=f"http://127.0.0.1:{self.web_port}",
                additional_headers={"Cookie": cookie},
                open_timeout=10,
                close_timeout=1,
            )
            deadline = now() + WS_ANSWER_SECONDS
            while json.loads(self.ws.recv(timeout=deadline - now())).get("type") != "hello":
                if now() > deadline:
                    raise TimeoutError
            outcome, self.ws_room = "101", ticket_id
        except InvalidStatus as refusal:
            code = refusal.response.status_code
            outcome = str(code)
            verdict = Try("relogin") if code == 403 else Try("retry", wait=1.0)
        except TimeoutError:
            outcome, verdict = "timeout", Try("retry", wait=1.0)
        except (OSError, InvalidHandshake, ConnectionClosed):
            outcome, verdict = "connection error", Try("retry", wait=1.0)
        if verdict is not None:
            self.drop_ws()
        self.rec.attempt(Attempt("ws connect", phase, outcome, t0, now(), verdict is None))
        return verdict

    def chat_ws(self):
        # Mostly the room already open; sometimes another ticket's page, a new handshake.
        ticket_id = self.ws_room
        if ticket_id is None or self.rng.random() < 0.3:
            ticket_id = self.rng.choice(self.tickets)

        def attempt(marker):
            if self.ws is not None and self.ws_room != ticket_id:
                self.drop_ws()
            if self.ws is None:
                refused = self.open_ws(ticket_id)
                if refused is not None:
                    return refused
            phase, t0 = self.rec.phase, now()
            frame = {
                "type": "post",
                "body": f"{marker} 在线沟通：已截图上传。",
                "client_id": marker,
            }
            try:
                self.ws.send(json.dumps(frame, ensure_ascii=False))
                outcome, verdict = self.await_answer(marker)
            except (ConnectionClosed, OSError):
                outcome, verdict = "ws closed", Try("retry", wait=1.0)
            if verdict.verdict != "ok" and outcome in ("ws closed", "ws no answer"):
                self.drop_ws()
            self.rec.attempt(
                Attempt("chat (ws)", phase, outcome, t0, now(), verdict.verdict == "ok")
            )
            return verdict

        self.submit("w", attempt)

    def await_answer(self, marker) -> tuple[str, Try]:
        deadline = now() + WS_ANSWER_SECONDS
        while True:
            try:
                frame = json.loads(self.ws.recv(timeout=max(0.01, deadline - now())))
            except TimeoutError:
                return "ws no answer", Try("retry", wait=0.5)
            if frame.get("client_id") != marker:
                continue  # broadcasts, presence, status
            if frame.get("type") == "ack":
                return "ws ack", Try("ok", frame["message"]["id"])
            if frame.get("type") == "error":
                code = frame.get("error", "?")
                if code == "no_access":
                    return f"ws error {code}", Try("relogin")
                if code in ("rate_limited", "server_error", "unavailable", "busy"):
                    return f"ws error {code}", Try("retry", wait=1.0)
                return f"ws error {code}", Try("reject", why=code)


class HealthWatch(threading.Thread):
    """/healthz/ twice a second, as a load balancer would ask."""

    def __init__(self, site, rec, stop):
        super().__init__(name="healthz", daemon=True)
        self.url, self.rec, self.stop = f"{site.base_url}/healthz/", rec, stop

    def run(self):
        while not self.stop.is_set():
            phase, t0 = self.rec.phase, now()
            try:
                outcome = str(requests.get(self.url, timeout=3).status_code)
            except requests.RequestException:
                outcome = "connection error"
            self.rec.attempt(Attempt("healthz", phase, outcome, t0, now(), outcome == "200"))
            self.stop.wait(0.5)


class Supervisor(threading.Thread):
    """Restarts a server that exits without being told to, as compose's
    `restart: unless-stopped` would, and notes it: the desk did not recover
    by itself."""

    WATCHED = ("redis", "postgres", "web", "worker", "beat")

    def __init__(self, site, rec, stop):
        super().__init__(name="supervisor", daemon=True)
        self.site, self.rec, self.stop = site, rec, stop
        self.exits: list[tuple[float, str, int]] = []

    def run(self):
        while not self.stop.wait(0.5):
            with self.site.lock:
                for name in self.WATCHED:
                    proc = self.site.procs.get(name)
                    if proc is None or proc.poll() is None or name not in self.site.launch:
                        continue
                    self.exits.append((self.rec.at(), name, proc.returncode))
                    self.rec.note(f"{name} exited by itself (status {proc.returncode}); restarted")
                    self.site.respawn(name)


# --- The faults --------------------------------------------------------------


@dataclass
class Fault:
    name: str
    down_at: float
    up_at: float
    notes: dict = field(default_factory=dict)


def fault_redis(site: Site, rec: Recorder, profile: Profile) -> Fault:
    rec.set_phase("Redis down", "Redis killed (SIGKILL)")
    down = rec.at()
    site.kill("redis")
    time.sleep(profile.outage)
    site.start_redis()
    rec.set_phase("recovered", "Redis restarted")
    fault = Fault("Redis (SIGKILL)", down, rec.at())
    time.sleep(profile.after)
    return fault


def fault_postgres(site: Site, rec: Recorder, profile: Profile, mode: str) -> Fault:
    rec.set_phase("PostgreSQL down", f"PostgreSQL stopped (pg_ctl stop -m {mode})")
    down = rec.at()
    site.stop_postgres(mode)
    stopped = rec.at()
    time.sleep(profile.outage)
    starting = rec.at()
    site.start_postgres()
    rec.set_phase("recovered", "PostgreSQL restarted (accepting connections)")
    fault = Fault(f"PostgreSQL (-m {mode})", down, rec.at())
    fault.notes["pg_ctl stop took"] = f"{stopped - down:.1f} s"
    fault.notes["start and recovery took"] = f"{fault.up_at - starting:.1f} s"
    time.sleep(profile.after)
    return fault


def send_sweep() -> None:
    from helpdesk_site.celery import app

    app.send_task("sla.tasks.sweep", retry=True, retry_policy={"max_retries": 5})


def fault_worker(site: Site, rec: Recorder, profile: Profile, sweep: tuple[int, int]) -> Fault:
    """Make the backlog's whole ladder due, start a sweep, and SIGKILL the
    worker as soon as half the clocks have fired."""
    from django.db import connections
    from django.utils import timezone

    from sla.models import EscalationEvent, SlaClock

    connections.close_all()  # the drill's own connection did not survive the restarts
    first, last = sweep
    clocks = SlaClock.objects.filter(ticket_id__gte=first, ticket_id__lte=last)
    events = EscalationEvent.objects.filter(clock__ticket_id__gte=first, clock__ticket_id__lte=last)
    clocks.update(next_escalation_at=timezone.now() - dt.timedelta(minutes=1))
    rec.note(f"{clocks.count()} clocks of {last - first + 1} tickets made due; sweep sent")
    send_sweep()
    started = now()
    # Killed as soon as half the clocks have fired: just after a batch has
    # committed, while its follow-up work is being handed on.
    half = max(1, clocks.count() // 2)
    fired_clocks = events.values("clock_id").distinct()
    while fired_clocks.count() < half and now() - started < profile.settle * 4:
        time.sleep(0.02)
    if fired_clocks.count() < half:
        rec.note("the sweep has not got half way: the worker is killed anyway")
    fired_at_kill = events.count()
    due_at_kill = clocks.filter(next_escalation_at__lte=timezone.now()).count()
    rec.set_phase("worker killed", "worker killed (SIGKILL) mid-sweep")
    down = rec.at()
    site.kill("worker")
    time.sleep(profile.outage)
    site.start_worker()
    site.wait_worker()
    up = rec.at()
    rec.set_phase("recovered", "worker restarted (ready); sweep sent")
    send_sweep()
    fault = Fault("Celery worker (SIGKILL mid-sweep)", down, up)
    fault.notes["steps fired before the kill"] = fired_at_kill
    fault.notes["clocks still due at the kill"] = due_at_kill
    fault.notes["killed after the sweep was sent"] = f"{down - (started - rec.t0):.1f} s"
    deadline = now() + max(profile.settle * 3, 60)
    while clocks.filter(next_escalation_at__lte=timezone.now()).exists() and now() < deadline:
        time.sleep(0.2)
    if clocks.filter(next_escalation_at__lte=timezone.now()).exists():
        fault.notes["sweep finished after restart"] = "not within the drill"
    else:
        fault.notes["sweep finished after restart"] = f"{rec.at() - up:.1f} s"
    connections.close_all()
    time.sleep(profile.after)
    return fault


def mail_bytes(site: Site) -> int:
    return sum(p.stat().st_size for p in site.mail.iterdir())


def settle(site: Site, rec: Recorder, profile: Profile, users, stop, abort) -> dict:
    """Stop new work, let writes being retried finish, then wait for the
    broker's queue and the mail folder to go quiet."""
    rec.note("traffic stops; waiting for retries, the queue and the mail to drain")
    stop.set()
    deadline = now() + profile.settle
    for user in users:
        user.join(timeout=max(0.1, deadline - now()))
    abort.set()
    for user in users:
        user.join(timeout=15)
    # Mail a killed worker had claimed is delivered again once its claim runs
    # out and beat's next delivery comes round: wait for that too, or the
    # drill would count delayed mail as lost.
    from django.db import connections

    from helpdesk_site.outbox.models import Message, State
    from helpdesk_site.outbox.services import setting

    connections.close_all()
    pending = Message.objects.filter(state=State.PENDING)
    claim_runs_out = setting("OUTBOX_CLAIM_SECONDS") + 60 + 15
    quiet_since, size = now(), -1
    while now() < deadline + max(profile.settle, claim_runs_out):
        with contextlib.suppress(Exception):
            queued = site.redis().llen("celery")
            current = mail_bytes(site)
            if current != size or queued or pending.exists():
                quiet_since, size = now(), current
            elif now() - quiet_since >= 4:
                break
        time.sleep(0.5)
    broker = {}
    with contextlib.suppress(Exception):
        r = site.redis()
        broker = {"queued": r.llen("celery"), "unacked": r.hlen("unacked")}
        broker["outbox pending"] = pending.count()
    rec.note("done")
    return broker


# --- Counting what was kept ------------------------------------------------


def _outbox_state_of_lost(notifications: Counter, sent: Counter) -> dict:
    """For escalation e-mails not found in the mail folder: the state their
    outbox messages are in, so a loss can be told from a delay."""
    from helpdesk_site.notices.models import Notice
    from helpdesk_site.outbox.models import Message

    lost = [k for k, n in notifications.items() if sent[k] < n]
    if not lost:
        return {}
    ids = []
    for address, message in lost:
        ids += Notice.objects.filter(recipient__email=address, message=message).values_list(
            "pk", flat=True
        )
    keys = [f"notices.mail:{pk}" for pk in ids]
    found = Counter(Message.objects.filter(key__in=keys).values_list("state", flat=True))
    found["no outbox message"] = len(keys) - sum(found.values())
    errors = Counter(
        Message.objects.filter(key__in=keys)
        .exclude(last_error="")
        .values_list("last_error", flat=True)
    )
    return {"states": dict(found), "errors": dict(errors.most_common(3)), "example": lost[0]}


def read_mail(site: Site) -> list[tuple[str, str, str]]:
    """(recipient, subject, text) of every e-mail Django's file backend wrote."""
    separator = b"\n" + b"-" * 79 + b"\n"
    found = []
    for path in sorted(site.mail.iterdir()):
        for raw in path.read_bytes().split(separator):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            text = []
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    with contextlib.suppress(Exception):
                        text.append(part.get_content())
            subject = str(message.get("Subject", ""))
            for _name, address in email.utils.getaddresses(message.get_all("To", [])):
                found.append((address, subject, "\n".join(text)))
    return found


def verify(rec: Recorder, sweep: tuple[int, int], site: Site) -> dict:
    from django.db import connections
    from helpdesk.models import FollowUp, Ticket

    from helpdesk_site.chat.models import ChatMessage
    from helpdesk_site.notices.models import Kind as NoticeKind
    from helpdesk_site.notices.models import Notice as Notification
    from sla.models import (
        EscalationEvent,
        EscalationStep,
        HandlingLogEntry,
        LogKind,
        SlaClock,
    )

    connections.close_all()
    stored: Counter = Counter()
    tickets_by_marker: dict[str, list[int]] = defaultdict(list)
    for pk, title in Ticket.objects.filter(title__startswith="FD").values_list("pk", "title"):
        match = MARKER.match(title)
        if match:
            stored[match.group()] += 1
            tickets_by_marker[match.group()].append(pk)
    for comment in FollowUp.objects.filter(comment__startswith="FDc").values_list(
        "comment", flat=True
    ):
        stored[comment[:11]] += 1
    for body in ChatMessage.objects.filter(body__startswith="FD").values_list("body", flat=True):
        stored[body[:11]] += 1

    writes = {}
    for letter, label in WRITES.items():
        intents = [i for i in rec.intents if i.letter == letter]
        believed = [i for i in intents if i.believed]
        writes[label] = {
            "attempted": len(intents),
            "believed": len(believed),
            "found": sum(1 for i in intents if stored[i.marker]),
            "lost": sum(1 for i in believed if not stored[i.marker]),
            "stored unseen": sum(1 for i in intents if not i.believed and stored[i.marker]),
            "duplicated": sum(max(0, stored[i.marker] - 1) for i in intents),
            "gave up": sum(1 for i in intents if i.gave_up),
            "refused": sum(1 for i in intents if i.rejected),
        }

    ticket_ids = [pk for pks in tickets_by_marker.values() for pk in pks]
    clock_counts = Counter(
        SlaClock.objects.filter(ticket_id__in=ticket_ids).values_list("ticket_id", flat=True)
    )
    filed = set(
        HandlingLogEntry.objects.filter(ticket_id__in=ticket_ids, kind=LogKind.FILED).values_list(
            "ticket_id", flat=True
        )
    )
    integrity = {
        "tickets filed by the users (rows)": len(ticket_ids),
        "of them without SLA clocks": sum(1 for pk in ticket_ids if clock_counts[pk] == 0),
        "of them without their 'filed' log line": sum(1 for pk in ticket_ids if pk not in filed),
    }

    # E-mail: escalations by (recipient, text); ticket receipts by marker.
    mails = read_mail(site)
    notifications = Counter(
        (email_, message.strip())
        for email_, message in Notification.objects.filter(kind=NoticeKind.ESCALATION)
        .exclude(recipient__email="")
        .values_list("recipient__email", "message")
    )
    by_address = defaultdict(list)
    for address, message in notifications:
        by_address[address].append(message)
    escalation_sent: Counter = Counter()
    receipts: Counter = Counter()
    other = 0
    for address, subject, text in mails:
        # The notification's text is the mail's body; a mail that wraps it
        # in more words still counts.
        message = text.strip()
        if (address, message) not in notifications and not MARKER.search(f"{subject}{text}"):
            message = next((m for m in by_address[address] if m in text), message)
        if (address, message) in notifications:
            escalation_sent[(address, message)] += 1
        elif markers := set(MARKER.findall(f"{subject}\n{text}")):
            for marker in markers:
                receipts[marker] += 1
        else:
            other += 1
    ticket_rows = Counter({m: len(pks) for m, pks in tickets_by_marker.items()})
    mail = {
        "ticket received": {
            "expected": sum(ticket_rows.values()),
            "sent": sum(receipts.values()),
            "lost": sum(max(0, n - receipts[m]) for m, n in ticket_rows.items()),
            "duplicated": sum(max(0, n - ticket_rows[m]) for m, n in receipts.items()),
        },
        "escalation": {
            "expected": sum(notifications.values()),
            "sent": sum(escalation_sent.values()),
            "lost": sum(max(0, n - escalation_sent[k]) for k, n in notifications.items()),
            "duplicated": sum(max(0, n - notifications[k]) for k, n in escalation_sent.items()),
        },
        "other": other,
        "lost escalations": _outbox_state_of_lost(notifications, escalation_sent),
    }

    # Escalation steps of the sweep's backlog: every step of every clock's ladder is due.
    first, last = sweep
    sweep_clocks = list(
        SlaClock.objects.filter(ticket_id__gte=first, ticket_id__lte=last).select_related("policy")
    )
    steps = Counter(EscalationStep.objects.values_list("ladder_id", "clock"))
    expected = sum(steps[(c.policy.ladder_id, c.kind)] for c in sweep_clocks if c.policy_id)
    event_ids = list(
        EscalationEvent.objects.filter(clock__in=sweep_clocks).values_list("pk", flat=True)
    )
    log_lines = Counter(
        data.get("escalation")
        for data in HandlingLogEntry.objects.filter(
            kind=LogKind.ESCALATED, ticket_id__gte=first, ticket_id__lte=last
        ).values_list("data", flat=True)
    )
    per_recipient = Counter(
        Notification.objects.filter(escalation_id__in=event_ids).values_list(
            "escalation_id", "recipient_id"
        )
    )
    escalations = {
        "steps due": expected,
        "fired": len(event_ids),
        "not fired": max(0, expected - len(event_ids)),
        "fired without a log line": sum(1 for e in event_ids if not log_lines[e]),
        "logged twice": sum(1 for e in event_ids if log_lines[e] > 1),
        "notified twice": sum(1 for n in per_recipient.values() if n > 1),
        "fired exactly once": sum(1 for e in event_ids if log_lines[e] == 1),
    }
    connections.close_all()
    return {"writes": writes, "integrity": integrity, "mail": mail, "escalations": escalations}


def server_errors(site: Site, name: str) -> Counter:
    """What failed in a server's log: Django's "Internal Server Error: <path>"
    (ids folded), with the exception that ended the traceback."""
    found: Counter = Counter()
    lines = site.log_text(name).splitlines()
    where = ""
    for i, line in enumerate(lines):
        if line.startswith("Internal Server Error:"):
            where = re.sub(r"/\d+/", "/<id>/", line.split(":", 1)[1].strip())
            continue
        if not line.startswith("Traceback"):
            continue
        ending = next(
            (j for j in range(i + 1, len(lines)) if lines[j] and lines[j][0] not in " \t"),
            len(lines) - 1,
        )
        chained = False
        for text in lines[ending + 1 :]:
            if text.startswith(("Traceback", "Internal Server Error")):
                break
            chained = chained or text.startswith(("During handling", "The above exception"))
        if chained:
            continue  # the last traceback of a chain says what failed
        found[f"{where or '(not a request)'}: {lines[ending].split(':', 1)[0][:60]}"] += 1
        where = ""
    return found


# --- The report ----------------------------------------------------------------


def phase_table(rec: Recorder) -> None:
    user_attempts = [a for a in rec.attempts if a.kind != "healthz"]
    width = 16

    def row(label, counts):
        cells = "".join(f"{counts.get(p, 0) or '':>{width}}" for p in PHASES)
        print(f"  {label:<30}{cells}{sum(counts.values()):>{width}}")

    print(f"  {'':<30}" + "".join(f"{p:>{width}}" for p in PHASES) + f"{'total':>{width}}")
    row("requests sent", Counter(a.phase for a in user_attempts))
    row("  answered as hoped", Counter(a.phase for a in user_attempts if a.ok))
    outcomes = sorted(
        {a.outcome for a in user_attempts},
        key=lambda o: (not o.isdigit(), o),
    )
    for outcome in outcomes:
        row(f"  {outcome}", Counter(a.phase for a in user_attempts if a.outcome == outcome))
    row(
        "5xx other than 503",
        Counter(a.phase for a in user_attempts if is_server_error(a.outcome)),
    )
    row("503 without Retry-After", Counter(a.phase for a in user_attempts if a.no_retry_after))
    row("JSON endpoint, non-JSON error", Counter(a.phase for a in user_attempts if a.not_json))
    row("forced to log in again", rec.relogins)
    health = defaultdict(Counter)
    for a in rec.attempts:
        if a.kind == "healthz":
            health[a.phase][a.outcome] += 1
    cells = "".join(
        f"{' '.join(f'{o}×{n}' for o, n in sorted(health[p].items())) or '':>{width}}"
        for p in PHASES
    )
    print(f"  {'/healthz/ answers':<30}{cells}")


def is_server_error(outcome: str) -> bool:
    return outcome.isdigit() and int(outcome) >= 500 and outcome != "503"


def kind_table(rec: Recorder) -> None:
    width = 16
    kinds = sorted({a.kind for a in rec.attempts if a.kind != "healthz"})
    print(f"  {'':<30}" + "".join(f"{p:>{width}}" for p in PHASES))
    for kind in kinds:
        cells = []
        for phase in PHASES:
            mine = [a for a in rec.attempts if a.kind == kind and a.phase == phase]
            bad = sum(1 for a in mine if is_server_error(a.outcome))
            cells.append(f"{f'{bad}/{len(mine)}' if mine else '':>{width}}")
        print(f"  {kind:<30}{''.join(cells)}")


def recovery_table(rec: Recorder, faults: list[Fault], end: float, exits) -> None:
    """From each restart: the first answer as hoped, and when every kind of
    request tried since had had one; and any server that exited by itself
    meanwhile (restarted by the drill's supervisor)."""
    user_attempts = [a for a in rec.attempts if a.kind != "healthz"]
    print(f"  {'fault':<36}{'down for':>10}{'first success':>16}{'every kind ok':>16}")
    for n, fault in enumerate(faults):
        until = faults[n + 1].down_at if n + 1 < len(faults) else end
        start, stop = fault.up_at + rec.t0, until + rec.t0
        window = [a for a in user_attempts if start <= a.t1 < stop]
        firsts = {}
        for a in sorted(window, key=lambda a: a.t1):
            if a.ok:
                firsts.setdefault(a.kind, a.t1 - start)
        tried = {a.kind for a in window}
        first = f"{min(firsts.values()):.1f} s" if firsts else "never"
        missing = tried - set(firsts)
        every = f"{max(firsts.values()):.1f} s" if firsts and not missing else "never"
        if missing:
            every += f" ({', '.join(sorted(missing))})"
        print(f"  {fault.name:<36}{fault.up_at - fault.down_at:>9.1f}s{first:>16}{every:>16}")
        for key, value in fault.notes.items():
            print(f"      {key}: {value}")
        for at, name, status in exits:
            if fault.down_at <= at < until:
                print(f"      {name} exited by itself at {at:.1f} s (status {status}): restarted")


def report(rec, faults, results, broker, site, profile, users, elapsed) -> None:
    end = rec.timeline[-1][0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print()
    print(
        f"Fault drill ({profile.name}): commit {commit or '?'}, {profile.users} users, "
        f"{os.cpu_count()} cores, {elapsed:.0f} s in all, load average {os.getloadavg()[0]:.1f}"
    )
    print("\nRequests and answers by phase (ws: websocket frames; healthz not counted)")
    phase_table(rec)
    print("\n5xx other than 503 / requests, by kind and phase")
    kind_table(rec)
    print("\nWhat the users believed stored, against the database")
    header = ("attempted", "believed", "found", "lost", "stored unseen", "duplicated", "gave up")
    print(f"  {'':<26}" + "".join(f"{h:>14}" for h in header))
    for label, figures in results["writes"].items():
        print(f"  {label:<26}" + "".join(f"{figures[h]:>14}" for h in header))
    totals = {h: sum(f[h] for f in results["writes"].values()) for h in header}
    print(f"  {'all writes':<26}" + "".join(f"{totals[h]:>14}" for h in header))
    for label, value in results["integrity"].items():
        print(f"  {label}: {value}")
    print("\nE-mail (Django's file backend)")
    print(f"  {'':<26}" + "".join(f"{h:>14}" for h in ("expected", "sent", "lost", "duplicated")))
    for label in ("ticket received", "escalation"):
        figures = results["mail"][label]
        cells = "".join(f"{figures[h]:>14}" for h in ("expected", "sent", "lost", "duplicated"))
        print(f"  {label:<26}{cells}")
    if results["mail"]["other"]:
        print(f"  other e-mails: {results['mail']['other']}")
    if lost := results["mail"]["lost escalations"]:
        print(f"  escalation e-mails not found, their outbox messages: {lost['states']}")
        print(f"    errors: {lost['errors'] or 'none'}; for example {lost['example']}")
    if broker:
        print(
            f"  broker at the end: {broker['queued']} tasks queued, "
            f"{broker['unacked']} held unacknowledged by a dead worker; "
            f"{broker.get('outbox pending', '?')} messages still waiting in the outbox"
        )
    print("\nEscalation steps of the sweep's backlog")
    for label, value in results["escalations"].items():
        print(f"  {label}: {value}")
    print("\nTime to recover (from the restart; no server of the desk is restarted)")
    recovery_table(rec, faults, end, results["exits"])
    print("\nTimeline")
    for at, text in rec.timeline:
        print(f"  {at:6.1f} s  {text}")
    for name in ("web", "worker", "beat"):
        errors = server_errors(site, name)
        if errors:
            print(f"\nTracebacks in the {name} log (where: final exception ×times)")
            for what, n in errors.most_common(12):
                print(f"  {what} ×{n}")
    crashes = [c for u in users for c in u.crashes]
    if crashes:
        print(f"\nDrill client errors (bugs in the drill, not the desk): {Counter(crashes)}")
    lost = sum(f["lost"] for f in results["writes"].values())
    duplicated = sum(f["duplicated"] for f in results["writes"].values())
    mail_lost = sum(results["mail"][k]["lost"] for k in ("ticket received", "escalation"))
    mail_dup = sum(results["mail"][k]["duplicated"] for k in ("ticket received", "escalation"))
    outage_5xx = sum(
        1
        for a in rec.attempts
        if a.kind != "healthz" and a.phase in OUTAGES and is_server_error(a.outcome)
    )
    ws_errors = sum(
        1 for a in rec.attempts if a.phase in OUTAGES and a.outcome == "ws error server_error"
    )
    print(
        "\nTargets (issue 12): 0 lost, 0 duplicated, 0 × 5xx other than 503 during an outage, "
        "recovery without restarts."
    )
    print(
        f"  this run: {lost} writes lost, {duplicated} duplicated, {mail_lost} e-mails lost, "
        f"{mail_dup} duplicated, {outage_5xx} × 5xx other than 503 during outages, "
        f"{results['integrity']['of them without SLA clocks']} tickets without clocks, "
        f"{results['escalations']['not fired']} escalation steps not fired, "
        f"{ws_errors} websocket server_error frames during outages, "
        f"{len(results['exits'])} servers that exited by themselves and had to be restarted"
    )


# --- Main ------------------------------------------------------------------------


def run(site: Site, profile: Profile) -> list:
    started = now()
    print(f"fault drill ({profile.name}) in {site.tmp}: ports {site.ports}", flush=True)
    print("setting up: PostgreSQL cluster, Redis, migrate, demo data ...", flush=True)
    data = setup(site, profile)
    site.wait_web()
    site.wait_worker()
    print(f"  set up, daphne, worker and beat running: {now() - started:.0f} s", flush=True)

    rec = Recorder()
    stop, abort, watchers_stop = threading.Event(), threading.Event(), threading.Event()
    users = [
        SimUser(n, REPORTERS[n], site, rec, stop, abort, data["subsystems"])
        for n in range(profile.users)
    ]
    supervisor = Supervisor(site, rec, watchers_stop)
    for thread in (*users, HealthWatch(site, rec, watchers_stop), supervisor):
        thread.start()
    try:
        for user in users:
            user.ready.wait(timeout=max(1, 180 - rec.at()))
        ready = sum(u.ready.is_set() for u in users)
        rec.note(f"{ready} of {len(users)} users logged in with a ticket each")
        time.sleep(profile.normal)
        faults = [fault_redis(site, rec, profile)]
        faults += [fault_postgres(site, rec, profile, mode) for mode in profile.pg_modes]
        faults.append(fault_worker(site, rec, profile, data["sweep"]))
        broker = settle(site, rec, profile, users, stop, abort)
    finally:
        stop.set()
        abort.set()
        watchers_stop.set()
        supervisor.join(timeout=5)
    results = verify(rec, data["sweep"], site)
    results["exits"] = supervisor.exits
    report(rec, faults, results, broker, site, profile, users, now() - started)
    return faults


def main() -> int:
    args, profile = parse_args()
    # Its own PostgreSQL cluster and redis-server on free ports: nothing shared to name.
    runinfo.header(f"fault drill ({profile.name})")
    try:
        site = Site()
    except RuntimeError as error:
        print(f"fault drill: cannot run: {error}", file=sys.stderr)
        return 1
    atexit.register(site.cleanup)

    def interrupted(signum, frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    try:
        run(site, profile)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"fault drill: could not complete: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fault drill: interrupted; servers stopped", file=sys.stderr)
        return 130
    finally:
        site.cleanup(keep_logs=args.logs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
