"""Load on the ticket chat: N real websocket clients against daphne and
channels-redis on 127.0.0.1, in M ticket rooms, posting at a fixed rate.

    .venv/bin/python bench/chat_load.py             # 1000 clients, 250 rooms, 2 daphne, 200/s, 20 s
    .venv/bin/python bench/chat_load.py --rooms 50  # rooms of twenty: 19 frames a message

Rooms of four by default: a ticket's chat is the reporter, a colleague, the
operator and perhaps a supervisor.

It makes (or reuses) a PostgreSQL database of its own with bench accounts and
tickets, starts daphne on free 127.0.0.1 ports, connects the clients with
real session cookies and an allowed Origin, then prints: connections held,
messages per second stored and delivered, and p50/p99 from post to delivery
at every other client of the room, beside the same run's baseline (a ping
answered by the same consumers: no database, no channel layer) and the
issue's targets. Everything is bounded: at most 5,000 clients and 300 s of
posting, and the whole run stops itself.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_CONNECTIONS = 1000
TARGET_RATE = 200
TARGET_P99_MS = 100
MAX_CLIENTS = 5000
MAX_SECONDS = 300


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=250)
    parser.add_argument("--rate", type=float, default=200.0, help="messages per second, all rooms")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of posting")
    parser.add_argument("--servers", type=int, default=2, help="daphne processes")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench"
        ),
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="daphne's persistent database connections, seconds (0: one per call)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    if not 0 < args.duration <= MAX_SECONDS:
        parser.error(f"--duration must be between 0 and {MAX_SECONDS}")
    if not 1 <= args.rooms <= args.clients:
        parser.error("--rooms must be between 1 and --clients")
    if not 0 < args.rate <= 2000:
        parser.error("--rate must be between 0 and 2000")
    if not 1 <= args.servers <= 8:
        parser.error("--servers must be between 1 and 8")
    return args


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres(url: str, database: str | None = None):
    """An autocommit connection to the bench's PostgreSQL server: to `url`'s
    database, or another one of the same server."""
    import environ
    import psycopg

    db = environ.Env.db_url_config(url)
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=database or db["NAME"],
        autocommit=True,
    )


def ensure_database(url: str) -> None:
    import environ

    name = environ.Env.db_url_config(url)["NAME"]
    with postgres(url, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def vacuum(url: str) -> None:
    """What autovacuum would do after the last run's inserts, done now rather
    than in the middle of this run's timed posting."""
    with postgres(url) as conn:
        conn.execute("VACUUM (ANALYZE)")


def seed(clients: int, rooms: int) -> tuple[list[str], list[int]]:
    """Bench accounts (one department, so all see all rooms), one ticket per
    room, and a fresh session per account. Returns (session keys, ticket ids)."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from helpdesk_site.people.models import Department, User
    from helpdesk_site.regions.models import Region
    from helpdesk_site.tickets import services
    from helpdesk_site.tickets.models import Category, Subsystem

    department, _ = Department.objects.get_or_create(
        name="压测部门", region=Region.objects.get(code="513301")
    )
    have = set(
        User.objects.filter(username__startswith="bench_").values_list("username", flat=True)
    )
    User.objects.bulk_create(
        [
            User(username=f"bench_{n}", department=department, password=make_password(None))
            for n in range(clients)
            if f"bench_{n}" not in have
        ]
    )
    users = list(User.objects.filter(username__startswith="bench_").order_by("id")[:clients])
    from helpdesk.models import Ticket

    tickets = list(
        Ticket.objects.filter(title__startswith="压测房间 ")
        .order_by("id")
        .values_list("id", flat=True)
    )
    subsystem = Subsystem.objects.get(code="e_license")
    for n in range(len(tickets), rooms):
        ticket = services.file_ticket(
            reporter=users[0],
            subsystem=subsystem,
            category=Category.CONSULTATION,
            priority=3,
            title=f"压测房间 {n}",
            description="chat load test",
        )
        tickets.append(ticket.pk)
    keys = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys, tickets[:rooms]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_servers(count: int, env: dict) -> tuple[list, list[int]]:
    processes, ports = [], []
    for _ in range(count):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "helpdesk_site.asgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        ports.append(port)
    deadline = time.monotonic() + 30
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("daphne did not start") from None
                time.sleep(0.2)
    return processes, ports


class Client:
    def __init__(self, index, session_key, ticket_id, port):
        self.index = index
        self.session_key = session_key
        self.ticket_id = ticket_id
        self.port = port
        self.ws = None
        self.ready = asyncio.Event()


class Run:
    def __init__(self):
        self.sent_at: dict[str, tuple[float, int, int]] = {}  # token -> (time, room, sender)
        self.latencies: list[float] = []
        self.ping_latencies: list[float] = []
        self.pings: dict[str, float] = {}
        self.acks = 0
        self.errors: dict[str, int] = {}
        self.deliveries = 0
        self.server_cpu = 0.0
        self.client_cpu = 0.0


async def reader(client: Client, run: Run):
    async for raw in client.ws:
        now = time.perf_counter()
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "hello":
            client.ready.set()
        elif kind == "message":
            token = frame["message"]["body"]
            sent = run.sent_at.get(token)
            if sent is not None and sent[2] != client.index:
                run.latencies.append(now - sent[0])
                run.deliveries += 1
        elif kind == "ack":
            run.acks += 1
        elif kind == "pong":
            started = run.pings.pop(frame.get("client_id"), None)
            if started is not None:
                run.ping_latencies.append(now - started)
        elif kind == "error":
            run.errors[frame.get("error", "?")] = run.errors.get(frame.get("error", "?"), 0) + 1


async def connect(client: Client, run: Run, tasks: list):
    from websockets.asyncio.client import connect as ws_connect

    client.ws = await ws_connect(
        f"ws://127.0.0.1:{client.port}/ws/tickets/{client.ticket_id}/",
        origin=f"http://127.0.0.1:{client.port}",
        additional_headers={"Cookie": f"sessionid={client.session_key}"},
        compression=None,
        open_timeout=60,
        ping_interval=None,
        max_queue=None,
    )
    tasks.append(asyncio.create_task(reader(client, run)))
    await asyncio.wait_for(client.ready.wait(), 60)


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def drive(args, keys, tickets, ports, server_pids):
    run = Run()
    clients = [
        Client(n, keys[n], tickets[n % len(tickets)], ports[n % len(ports)])
        for n in range(args.clients)
    ]
    tasks: list = []
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(100)

    async def one(client):
        async with semaphore:
            try:
                await connect(client, run, tasks)
            except Exception as error:  # counted, not fatal: the figure says how many held
                run.errors[f"connect: {type(error).__name__}"] = (
                    run.errors.get(f"connect: {type(error).__name__}", 0) + 1
                )

    await asyncio.gather(*(one(c) for c in clients))
    connect_seconds = time.perf_counter() - started
    held = [c for c in clients if c.ws is not None and c.ready.is_set()]
    print(f"connections held: {len(held)} of {args.clients} in {connect_seconds:.1f} s")
    await asyncio.sleep(2)  # let presence announcements settle

    interval = 1.0 / args.rate
    posted = 0
    cpu_before = sum(cpu_seconds(pid) for pid in server_pids), cpu_seconds(os.getpid())
    begin = time.perf_counter()
    order = list(held)
    random.shuffle(order)
    while True:
        now = time.perf_counter()
        if now - begin >= args.duration:
            break
        due = int((now - begin) / interval) + 1
        while posted < due:
            client = order[posted % len(order)]
            token = f"b{posted}-{secrets.token_hex(3)}"
            run.sent_at[token] = (time.perf_counter(), client.ticket_id, client.index)
            try:
                await client.ws.send(json.dumps({"type": "post", "body": token}))
            except Exception as error:  # a dropped client is counted, not fatal
                del run.sent_at[token]
                run.errors[f"send: {type(error).__name__}"] = (
                    run.errors.get(f"send: {type(error).__name__}", 0) + 1
                )
            # One ping in ten posts: the same consumers' floor, no DB, no layer.
            if posted % 10 == 0:
                pinger = order[(posted * 7 + 3) % len(order)]
                ping_id = f"p{posted}"
                run.pings[ping_id] = time.perf_counter()
                with contextlib.suppress(Exception):
                    await pinger.ws.send(json.dumps({"type": "ping", "client_id": ping_id}))
            posted += 1
        await asyncio.sleep(max(0.0, begin + due * interval - time.perf_counter()))
    post_seconds = time.perf_counter() - begin
    run.server_cpu = sum(cpu_seconds(pid) for pid in server_pids) - cpu_before[0]
    run.client_cpu = cpu_seconds(os.getpid()) - cpu_before[1]
    # Give deliveries in flight a moment to land, bounded.
    expected = sum(
        sum(1 for c in held if c.ticket_id == room and c.index != sender)
        for _t, room, sender in run.sent_at.values()
    )
    drain_until = time.perf_counter() + 10
    while run.deliveries < expected and time.perf_counter() < drain_until:
        await asyncio.sleep(0.1)
    for client in held:
        await client.ws.close()
    for task in tasks:
        task.cancel()
    return run, len(held), posted, post_seconds, expected


def main():
    args = parse_args()
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    secret = secrets.token_urlsafe(50)
    os.environ.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        SECRET_KEY=secret,
        DJANGO_SETTINGS_MODULE="helpdesk_site.settings",
        LOG_LEVEL="ERROR",
    )
    ensure_database(args.database_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    print(f"seeding {args.clients} accounts and {args.rooms} rooms ...")
    keys, tickets = seed(args.clients, args.rooms)
    vacuum(args.database_url)

    separator = "&" if "?" in args.database_url else "?"
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{args.database_url}{separator}conn_max_age={args.conn_max_age}",
    }
    processes, ports = start_servers(args.servers, env)
    load_before = os.getloadavg()[0]
    try:
        run, held, posted, seconds, expected = asyncio.run(
            asyncio.wait_for(
                drive(args, keys, tickets, ports, [p.pid for p in processes]), MAX_SECONDS + 240
            )
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    ms = [v * 1000 for v in run.latencies]
    ping_ms = [v * 1000 for v in run.ping_latencies]
    print(
        f"\nchat load: {args.clients} clients, {args.rooms} rooms, {args.servers} daphne, "
        f"{os.cpu_count()} cores, Redis {args.redis_url}, conn_max_age={args.conn_max_age}, "
        f"load average at start {load_before:.2f}"
    )
    print(f"{'':34}{'ours':>12}{'baseline':>12}{'target':>12}")
    print(f"{'connections held':34}{held:>12}{'':>12}{TARGET_CONNECTIONS:>12}")
    print(f"{'messages posted / s':34}{posted / seconds:>12.1f}{'':>12}{TARGET_RATE:>12}")
    print(f"{'messages stored (acked) / s':34}{run.acks / seconds:>12.1f}")
    print(f"{'deliveries / s':34}{run.deliveries / seconds:>12.1f}")
    print(f"{'deliveries received / expected':34}{run.deliveries:>6}/{expected:<6}")
    p50, p99 = percentile(ms, 0.5), percentile(ms, 0.99)
    print(f"{'p50 post→delivery, ms (ping)':34}{p50:>12.1f}{percentile(ping_ms, 0.5):>12.1f}")
    print(
        f"{'p99 post→delivery, ms (ping)':34}{p99:>12.1f}{percentile(ping_ms, 0.99):>12.1f}"
        f"{TARGET_P99_MS:>12}"
    )
    if ms:
        print(f"{'mean / max, ms':34}{statistics.mean(ms):>12.1f}{max(ms):>12.1f}")
    print(
        f"{'CPU while posting, daphne / clients':34}{run.server_cpu / seconds:>11.2f}c"
        f"{run.client_cpu / seconds:>11.2f}c   (cores busy)"
    )
    if posted:
        print(f"{'daphne CPU per message, ms':34}{run.server_cpu / posted * 1000:>12.2f}")
    if run.errors:
        print("errors:", run.errors)


if __name__ == "__main__":
    main()
