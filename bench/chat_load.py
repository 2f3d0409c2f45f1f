"""Load on the ticket chat: N real websocket clients against daphne and
channels-redis on 127.0.0.1, in M ticket rooms, posting at a fixed rate.

    .venv/bin/python bench/chat_load.py             # 1000 clients, 250 rooms, 2 daphne, 200/s, 20 s
    .venv/bin/python bench/chat_load.py --rooms 50  # rooms of twenty: 19 frames a message
    .venv/bin/python bench/chat_load.py --busy-cores 1   # another process keeps a core busy
    .venv/bin/python bench/chat_load.py --floor     # the same consumer, no database
    .venv/bin/python bench/chat_load.py --one-socket   # daphne as production runs it
    [--database bench_perf_chat] [--keep] [--redis-db 14] [--rounds 3]

Rooms of four by default: a ticket's chat is the reporter, a colleague, the
operator and perhaps a supervisor.

It makes (or reuses) a PostgreSQL database of its own with bench accounts and
tickets (dropped at the end if it made it, unless --keep), starts daphne on
free 127.0.0.1 ports, connects the clients with real session cookies and an
allowed Origin, then posts for --duration seconds in each of --rounds rounds
and prints, per round with the load average and as medians: connections
held, messages per second stored and delivered, p50/p99 from post to
delivery at every other client of the room beside the same run's baseline (a
ping answered by the same consumers: no database, no channel layer), and
daphne's CPU per message. Lines are Chinese chat lines, one in ten with a
list and a link (Markdown). With --floor, daphne serves bench/chat_floor.py:
the same middleware, consumer and channel layer with storing left out, the
part of a line's cost the database does not explain. With --busy-cores N,
N other processes spin on the CPU while posting (the machine as others
share it). At the end it deletes
the sessions it made, the outbox messages the posts left, and the Redis keys
the run added (queued tasks among them). Everything is bounded: at most
5,000 clients and 300 s of posting a round, and the whole run stops itself.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import runinfo, web_service  # noqa: E402

TARGET_CONNECTIONS = 1000
TARGET_RATE = 200
TARGET_P99_MS = 100
MAX_CLIENTS = 5000
MAX_SECONDS = 300

# What is posted, after each line's token: lines as a ticket's chat has them,
# one in ten with a list and a link (the Markdown path of the rendering).
LINES = (
    "您好，事项认领以后在办件列表里看不到，麻烦看一下",
    "好的，我这边刷新试试",
    "还是不行，提示没有权限",
    "已经处理了，请再试一次",
    "可以了，谢谢！",
    "电子证照调用一直显示加载中",
    "请问好差评的数据什么时候同步？",
    "这个问题我们已经反馈给省里了，有进展马上告诉您",
    "稍等，我查一下日志",
    "请按步骤操作：\n1. 退出登录\n2. 清除缓存后打开 https://tyrz.sczwfw.gov.cn 重新登录",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=250)
    parser.add_argument("--rate", type=float, default=200.0, help="messages per second, all rooms")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of posting")
    parser.add_argument("--servers", type=int, default=2, help="daphne processes")
    parser.add_argument(
        "--busy-cores", type=int, default=0, help="processes keeping a core busy while posting"
    )
    parser.add_argument(
        "--connecting",
        type=int,
        default=100,
        help="handshakes at once (fewer on a loaded machine: daphne drops slow ones)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="serve the same consumer with the database taken out (bench/chat_floor.py): "
        "what a line costs apart from storing it",
    )
    parser.add_argument(
        "--one-socket",
        action="store_true",
        help="the daphne processes behind one port, as production runs them (docker/web.conf)",
    )
    runinfo.add_arguments(parser, database="bench_perf_chat")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="daphne's persistent database connections, seconds (0: one per call)",
    )
    args = parser.parse_args()
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be between 1 and 10")
    if not 0 <= args.busy_cores <= 4:
        parser.error("--busy-cores must be between 0 and 4")
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


def start_servers(count: int, env: dict, app: str, run_dir: Path | None):
    """`count` daphne processes: each on its own port, or with `run_dir`
    behind one port as production runs them (docker/web.conf under
    supervisord). Returns (processes to stop, ports, daphne pids)."""
    if run_dir is not None:
        port = free_port()
        supervisord = web_service.start(
            count, port, app, run_dir, env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        processes, ports = [supervisord], [port]
    else:
        processes, ports = [], []
        for _ in range(count):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            ports.append(port)
    # Slow to start on a loaded machine.
    deadline = time.monotonic() + 120
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    stop(processes)
                    raise SystemExit("daphne did not start") from None
                time.sleep(0.2)
    if run_dir is None:
        return processes, ports, [p.pid for p in processes]
    while len(pids := web_service.daphne_pids(processes[0])) < count:
        if time.monotonic() > deadline:
            stop(processes)
            raise SystemExit("supervisord did not start the daphne processes")
        time.sleep(0.2)
    return processes, ports, pids


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
        self.posted = 0
        self.seconds = 0.0
        self.expected = 0
        self.load = ""


async def reader(client: Client, current: dict):
    async for raw in client.ws:
        now = time.perf_counter()
        run = current["run"]
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "hello":
            client.ready.set()
        elif kind == "message":
            token = frame["message"]["body"].split(" ", 1)[0]
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


async def connect(client: Client, current: dict, tasks: list):
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
    tasks.append(asyncio.create_task(reader(client, current)))
    await asyncio.wait_for(client.ready.wait(), 60)


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def drive(args, keys, tickets, ports, server_pids):
    clients = [
        Client(n, keys[n], tickets[n % len(tickets)], ports[n % len(ports)])
        for n in range(args.clients)
    ]
    tasks: list = []
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(args.connecting)
    runs: list = []
    # One Run is read by the readers at a time: the round's.
    current = {"run": Run()}
    connect_errors: dict[str, int] = {}

    async def one(client):
        async with semaphore:
            try:
                await connect(client, current, tasks)
            except Exception as error:  # counted, not fatal: the figure says how many held
                name = f"connect: {type(error).__name__}"
                connect_errors[name] = connect_errors.get(name, 0) + 1

    await asyncio.gather(*(one(c) for c in clients))
    connect_seconds = time.perf_counter() - started
    held = [c for c in clients if c.ws is not None and c.ready.is_set()]
    print(f"connections held: {len(held)} of {args.clients} in {connect_seconds:.1f} s")
    if connect_errors:
        print("connection errors:", connect_errors)
    await asyncio.sleep(2)  # let presence announcements settle
    order = list(held)
    random.Random(2026).shuffle(order)
    for number in range(1, args.rounds + 1):
        run = current["run"] = Run()
        busy = start_busy(args.busy_cores)
        try:
            run.load = runinfo.load_average()
            await post_round(args, run, order, server_pids)
        finally:
            stop(busy)
        # Give deliveries in flight a moment to land, bounded.
        run.expected = sum(
            sum(1 for c in held if c.ticket_id == room and c.index != sender)
            for _t, room, sender in run.sent_at.values()
        )
        drain_until = time.perf_counter() + 10
        while run.deliveries < run.expected and time.perf_counter() < drain_until:
            await asyncio.sleep(0.1)
        runs.append(run)
        report_round(number, run)
        await asyncio.sleep(2)
    for client in held:
        await client.ws.close()
    for task in tasks:
        task.cancel()
    return runs, len(held)


async def post_round(args, run, order, server_pids):
    interval = 1.0 / args.rate
    posted = 0
    cpu_before = sum(cpu_seconds(pid) for pid in server_pids), cpu_seconds(os.getpid())
    begin = time.perf_counter()
    while True:
        now = time.perf_counter()
        if now - begin >= args.duration:
            break
        due = int((now - begin) / interval) + 1
        while posted < due:
            client = order[posted % len(order)]
            token = f"b{posted}x{secrets.token_hex(3)}"
            body = f"{token} {LINES[posted % len(LINES)]}"
            run.sent_at[token] = (time.perf_counter(), client.ticket_id, client.index)
            try:
                await client.ws.send(json.dumps({"type": "post", "body": body}))
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
    run.seconds = time.perf_counter() - begin
    run.posted = posted
    run.server_cpu = sum(cpu_seconds(pid) for pid in server_pids) - cpu_before[0]
    run.client_cpu = cpu_seconds(os.getpid()) - cpu_before[1]


def start_busy(count: int) -> list:
    """Processes that keep a core busy each, as other work on the machine does."""
    return [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def figures(run) -> dict:
    ms = [v * 1000 for v in run.latencies]
    ping_ms = [v * 1000 for v in run.ping_latencies]
    seconds = run.seconds or float("nan")
    return {
        "posted/s": run.posted / seconds,
        "acked/s": run.acks / seconds,
        "deliveries/s": run.deliveries / seconds,
        "p50": percentile(ms, 0.5),
        "p99": percentile(ms, 0.99),
        "ping p50": percentile(ping_ms, 0.5),
        "ping p99": percentile(ping_ms, 0.99),
        "max": max(ms) if ms else float("nan"),
        "daphne cores": run.server_cpu / seconds,
        "client cores": run.client_cpu / seconds,
        # Per message stored while posting: a daphne that falls behind has
        # not yet spent the CPU of the ones still queued.
        "cpu ms/message": run.server_cpu / run.acks * 1000 if run.acks else float("nan"),
    }


def report_round(number, run) -> None:
    f = figures(run)
    print(
        f"round {number}: posted {f['posted/s']:.1f}/s, acked {f['acked/s']:.1f}/s, "
        f"delivered {run.deliveries}/{run.expected}; p50 {f['p50']:.1f} ms, "
        f"p99 {f['p99']:.1f} ms (ping p99 {f['ping p99']:.1f} ms), max {f['max']:.1f} ms; "
        f"daphne {f['cpu ms/message']:.2f} ms CPU a message ({f['daphne cores']:.2f} cores), "
        f"clients {f['client cores']:.2f} cores; load average {run.load}"
        + (f"; errors {run.errors}" if run.errors else "")
    )


def tidy(started) -> None:
    """What the run left in its database: the sessions it made and the
    outbox messages its posts queued (the Redis keys go in runinfo)."""
    from django.contrib.sessions.models import Session

    from helpdesk_site.outbox.models import Message

    sessions, _ = Session.objects.filter(session_key__in=started["sessions"]).delete()
    messages, _ = Message.objects.filter(created_at__gte=started["at"]).delete()
    print(f"cleaned up: {sessions} sessions, {messages} outbox messages")


def main():
    args = parse_args()
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with runinfo.Services(args):
        bench(args)


def bench(args):
    secret = secrets.token_urlsafe(50)
    database_url = os.environ["DATABASE_URL"]
    os.environ.update(
        SECRET_KEY=secret,
        DJANGO_SETTINGS_MODULE="helpdesk_site.settings",
        LOG_LEVEL="ERROR",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    from django.utils import timezone

    runinfo.header(
        "chat load",
        args.rounds,
        clients=args.clients,
        rooms=f"{args.rooms} (of {args.clients // args.rooms})",
        rate=f"{args.rate:g}/s",
        seconds=f"{args.duration:g} a round",
        daphne=f"{args.servers}" + (" behind one socket" if args.one_socket else ", a port each"),
        busy_cores=args.busy_cores,
        served="the floor: the same consumer, no database" if args.floor else "the site",
        database=args.database,
        redis=f"db {args.redis_db}",
        conn_max_age=args.conn_max_age,
    )
    started = {"at": timezone.now(), "sessions": []}
    try:
        print(f"seeding {args.clients} accounts and {args.rooms} rooms ...")
        keys, tickets = seed(args.clients, args.rooms)
        started["sessions"] = keys
        vacuum(database_url)
        env = {
            **os.environ,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{database_url}?conn_max_age={args.conn_max_age}",
        }
        app = "bench.chat_floor:application" if args.floor else "helpdesk_site.asgi:application"
        with tempfile.TemporaryDirectory() as run_dir:
            one_socket = Path(run_dir) if args.one_socket else None
            processes, ports, pids = start_servers(args.servers, env, app, one_socket)
            try:
                runs, held = asyncio.run(
                    asyncio.wait_for(
                        drive(args, keys, tickets, ports, pids),
                        args.rounds * (MAX_SECONDS + 30) + 240,
                    )
                )
            finally:
                stop(processes)
    finally:
        tidy(started)

    print(f"\nmedians of {args.rounds} rounds (load average now {runinfo.load_average()}):")
    print(f"{'connections held':34}{held:>12}{'target':>10} {TARGET_CONNECTIONS}")
    rows = [figures(run) for run in runs]
    for key, target in (
        ("posted/s", f"{TARGET_RATE}"),
        ("acked/s", ""),
        ("deliveries/s", ""),
        ("p50", ""),
        ("p99", f"< {TARGET_P99_MS}"),
        ("ping p99", ""),
        ("cpu ms/message", ""),
        ("daphne cores", ""),
    ):
        values = [row[key] for row in rows]
        each = ", ".join(f"{v:.1f}" for v in values)
        print(f"{key:34}{runinfo.median(values):>12.1f}{target:>10}   rounds: {each}")


if __name__ == "__main__":
    main()
