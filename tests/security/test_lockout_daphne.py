"""The lock-out as production runs it: the web service started as the image
starts it (docker/web.conf: daphne processes behind one socket), behind a
proxy that appends the client's address to whatever X-Forwarded-For the
client sent. A new made-up address per attempt must not buy new guesses."""

import http.cookiejar
import json
import re
import shlex
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.daphne import ROOT, running_web
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTACKER = "203.0.113.9"


@pytest.fixture(autouse=True)
def _fast_passwords():
    """daphne checks passwords with the site's real hashers: keep them."""


def test_compose_runs_the_web_service_as_the_image_does():
    image = re.search(r"^CMD (\[.*\])$", (ROOT / "docker/Dockerfile").read_text(), re.M)
    compose = (ROOT / "docker/docker-compose.yml").read_text()
    started = re.search(r"exec (supervisord .*?)\"?$", compose, re.M).group(1)
    assert (
        json.loads(image.group(1))
        == shlex.split(started)
        == [
            "supervisord",
            "-c",
            "/app/docker/web.conf",
        ]
    )


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
    # Two processes behind the one port: the attempts may land on either.
    with running_web(tmp_path, env, processes=2) as (base, _supervisord):
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
