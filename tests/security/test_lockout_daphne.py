"""The lock-out as production runs it: daphne started with the Dockerfile's
own flags, behind a proxy that appends the client's address to whatever
X-Forwarded-For the client sent. A new made-up address per attempt must not
buy new guesses."""

import http.cookiejar
import json
import re
import shlex
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.daphne import ROOT, running_daphne
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

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


@pytest.fixture
def daphne(tmp_path):
    env = {
        "SECRET_KEY": "lockout-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        # The test plays the proxy, from 127.0.0.1.
        "TRUSTED_PROXIES": "127.0.0.1",
        # Static files straight from the apps: no collectstatic run needed.
        "DEBUG": "true",
        "REDIS_URL": None,
    }
    with running_daphne(
        tmp_path, env, flags=dockerfile_daphne_flags(), ready_path="/healthz/"
    ) as base:
        yield base


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
