import os

import pytest


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
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _celery_runs_tasks_inline():
    """Tasks queued by a request run in the test itself, so their effects can be
    checked; the worker and beat are exercised by the make-run smoke test."""
    from helpdesk_site.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
