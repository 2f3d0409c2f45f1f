import os

import hypothesis
import pytest

# Hypothesis' default 200 ms deadline per example is a timed assertion: on a
# loaded machine it fails tests whose logic is right.
hypothesis.settings.register_profile("suite", deadline=None)
hypothesis.settings.load_profile("suite")


def pytest_sessionstart(session):
    """make test runs on PostgreSQL and Redis when they are configured; if they
    are configured but unreachable, stop at once rather than test something else."""
    problems = []
    if os.environ.get("DATABASE_URL"):
        import environ
        import psycopg

        db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
        if "postgresql" in db["ENGINE"]:
            try:
                psycopg.connect(
                    host=db["HOST"] or None,
                    port=db["PORT"] or None,
                    user=db["USER"] or None,
                    password=db["PASSWORD"] or None,
                    dbname="postgres",
                    connect_timeout=5,
                ).close()
            except psycopg.OperationalError as error:
                problems.append(f"DATABASE_URL is set but PostgreSQL is unreachable: {error}")
    if os.environ.get("REDIS_URL"):
        import redis

        try:
            redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
        except redis.RedisError as error:
            problems.append(f"REDIS_URL is set but Redis is unreachable: {error}")
    if problems:
        pytest.exit("\n".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # Pages render without a collectstatic run; the manifest storage is for production.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests make many accounts, and the real hasher is slow by design (about
    a third of a second an account here). Logging in through the form checks
    the same hasher the account was made with. A module whose browser logs in
    against a daphne process overrides this fixture with one that does
    nothing: that process checks passwords with the site's real hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _celery_runs_tasks_inline(settings):
    """Tasks queued by a request run in the test itself, so their effects can be
    checked; the worker and beat are exercised by the make-run smoke test. The
    outbox's kicks go at once too, not gathered by a thread of their own."""
    from helpdesk_site.celery import app

    settings.OUTBOX_KICK_GATHER_SECONDS = 0
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


# Debian's Chromium, launched as the workplace allows (no downloads, no
# background network); Playwright drives it. Browser tests are marked e2e
# and run in their own pytest process (`make e2e`).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
