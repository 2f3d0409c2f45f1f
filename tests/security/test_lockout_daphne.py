"""The lock-out as production runs it: daphne started with the Dockerfile's
own flags, behind a proxy that appends the client's address to whatever
X-Forwarded-For the client sent. A new made-up address per attempt must not
buy new guesses."""

import http.cookiejar
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ATTACKER = "203.0.113.9"


@pytest.fixture(autouse=True)
def _fast_passwords():
    """daphne checks passwords with the site's real hashers: keep them."""


def dockerfile_daphne_flags() -> list[str]:
    """daphne's options in the production image, without address and port."""
    cmd = re.search(r"^CMD (\[.*\])$", (ROOT / "docker/Dockerfile").read_text(), re.M)
    return _flags(json.loads(cmd.group(1)))


def compose_daphne_flags() -> list[str]:
    compose = (ROOT / "docker/docker-compose.yml").read_text()
    line = re.search(r"exec (daphne .*?)\"?$", compose, re.M).group(1)
    return _flags(shlex.split(line))


def _flags(argv: list[str]) -> list[str]:
    assert argv[0] == "daphne" and argv[-1] == "helpdesk_site.asgi:application"
    flags, rest = [], iter(argv[1:-1])
    for arg in rest:
        if arg in ("-b", "--bind", "-p", "--port"):
            next(rest)
        else:
            flags.append(arg)
    return flags


def test_compose_runs_daphne_as_the_image_does():
    assert compose_daphne_flags() == dockerfile_daphne_flags()


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) to share the test database with daphne")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def daphne(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "lockout-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        # The test plays the proxy, from 127.0.0.1.
        "TRUSTED_PROXIES": "127.0.0.1",
        # Static files straight from the apps: no collectstatic run needed.
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = (tmp_path / "daphne.log").open("w")
    argv = [sys.executable, "-m", "daphne", *dockerfile_daphne_flags()]
    argv += ["-b", "127.0.0.1", "-p", str(port), "helpdesk_site.asgi:application"]
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz/", timeout=1).close()  # noqa: S310
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                pytest.fail("daphne did not start:\n" + (tmp_path / "daphne.log").read_text())
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()
    # The test database is dropped only once daphne's connections are gone.
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


class Browser:
    """Logs in through the form, as a browser would, sending X-Forwarded-For."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect(),
        )

    def log_in(self, username, password, forwarded_for) -> int:
        page = self.opener.open(self.base + "/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(  # noqa: S310  our own http:// address
            self.base + "/accounts/login/",
            data=body,
            headers={"X-Forwarded-For": forwarded_for, "Referer": self.base + "/"},
        )
        try:
            with self.opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_new_forwarded_address_per_attempt_does_not_escape_the_lockout(daphne):
    clerk = UserFactory()
    browser = Browser(daphne)
    statuses = [
        browser.log_in(clerk.username, "wrong", f"10.9.{attempt}.1, {ATTACKER}")
        for attempt in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert browser.log_in(clerk.username, PASSWORD, f"10.9.99.1, {ATTACKER}") == 429
    # The clerk, from another address behind the same proxy, gets in.
    assert Browser(daphne).log_in(clerk.username, PASSWORD, "198.51.100.7") == 302
