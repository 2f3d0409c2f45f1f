"""A real daphne process on the test database, for tests that need the
production server (its proxy handling, websockets in a browser)."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from bench import web_service

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_database_url() -> str:
    """The test database as a URL daphne can use; skips on SQLite, whose
    in-memory test database another process cannot open."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) to share the test database with daphne")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def running_daphne(tmp_path, env: dict, flags=(), ready_path="/accounts/login/"):
    """daphne on a free port with `env` over the test's environment; yields
    its base URL once `ready_path` answers, and waits at the end until its
    database sessions are gone, so the test database can be dropped."""
    port = free_port()
    argv = [sys.executable, "-m", "daphne", *flags, "-b", "127.0.0.1", "-p", str(port)]
    argv.append("helpdesk_site.asgi:application")

    def start(env, **popen):
        return subprocess.Popen(argv, cwd=ROOT, env=env, **popen)

    with _serving(tmp_path, start, env, port, ready_path) as (base, _process):
        yield base


@contextlib.contextmanager
def running_web(tmp_path, env: dict, processes: int, ready_path="/healthz/"):
    """The web service as the production image runs it: supervisord with
    docker/web.conf, `processes` daphne processes behind one port. Yields
    the base URL and the supervisord process."""
    port = free_port()
    (tmp_path / "run").mkdir(exist_ok=True)

    def start(env, **popen):
        application = "helpdesk_site.asgi:application"
        return web_service.start(processes, port, application, tmp_path / "run", env, **popen)

    with _serving(tmp_path, start, env, port, ready_path) as served:
        yield served


@contextlib.contextmanager
def _serving(tmp_path, start, env: dict, port: int, ready_path: str):
    """Runs `start(env, **popen)` (a Popen) until `ready_path` answers on
    `port`; yields (base URL, process)."""
    env = {
        **os.environ,
        "DATABASE_URL": shared_database_url(),
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        **env,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env = {name: value for name, value in env.items() if value is not None}
    log_path = tmp_path / "daphne.log"
    with log_path.open("w") as log:
        process = start(env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + ready_path, timeout=1).close()  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    process.terminate()
                    pytest.fail("daphne did not start:\n" + log_path.read_text())
                time.sleep(0.2)
        try:
            yield base, process
        finally:
            process.terminate()
            process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.1)


def served_static(tmp_path, env: dict) -> None:
    """Static files collected where a daphne started with `env` serves them
    from (its VAR_DIR), as `make run` does."""
    collect = {
        **os.environ,
        "DATABASE_URL": shared_database_url(),
        "VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=collect,
        check=True,
    )
