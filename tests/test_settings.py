"""Settings come from the environment; production settings pass check --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'db': db['ENGINE'], 'name': str(db['NAME']), "
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'cache': s.CACHES['default']['BACKEND'], "
    "'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, "
    "'es': s.ELASTICSEARCH_URL, 'email': s.EMAIL_BACKEND, 'ssl': s.SECURE_SSL_REDIRECT, "
    "'key_len': len(s.SECRET_KEY), 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE}))"
)
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "SECRET_KEY",
    "DEBUG",
    "HTTPS",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
)


def run(code_or_args, tmp_path, **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(DJANGO_SETTINGS_MODULE="helpdesk_site.settings", VAR_DIR=str(tmp_path / "var"))
    env.update(env_vars)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def probe(tmp_path, **env_vars):
    result = run(PROBE, tmp_path, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_is_the_embedded_default(tmp_path):
    found = probe(tmp_path)
    assert found["db"] == "django.db.backends.sqlite3"
    assert found["name"].startswith(str(tmp_path / "var"))
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["broker"] == "filesystem://"
    assert found["debug"] is False and found["ssl"] is False
    assert found["key_len"] >= 50, "a random key is generated, never a fixed one"
    assert (found["tz"], found["lang"]) == ("Asia/Shanghai", "zh-hans")
    assert probe(tmp_path)["key_len"] == found["key_len"], "the generated key is kept"


def test_services_come_from_the_environment(tmp_path):
    found = probe(
        tmp_path,
        DATABASE_URL="postgres://desk:pw@db.internal:5432/desk",
        REDIS_URL="redis://cache.internal:6379/0",
        ELASTICSEARCH_URL="http://search.internal:9200",
        ALLOWED_HOSTS="desk.example.cn,desk2.example.cn",
        EMAIL_URL="smtp+tls://mailer:secret@mail.example.cn:587",
        HTTPS="true",
    )
    assert found["db"] == "django.db.backends.postgresql"
    assert found["name"] == "desk"
    assert found["layer"] == "helpdesk_site.chat.pubsub.ChatChannelLayer"
    assert found["cache"] == "django_redis.cache.RedisCache"
    assert found["broker"] == "redis://cache.internal:6379/0"
    assert found["es"] == "http://search.internal:9200"
    assert found["hosts"] == ["desk.example.cn", "desk2.example.cn"]
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["ssl"] is True


def test_bad_database_url_is_a_clear_error(tmp_path):
    result = run(PROBE, tmp_path, DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "nosuchdb" in result.stderr


PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": "k3y-" + "x8Qz!v2#Lm9" * 6,
    "ALLOWED_HOSTS": "servicedesk.example.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_check_deploy(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["HTTPS"])
def test_check_deploy_catches_plain_http(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **env)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere", "PostgreSQL is unreachable"),
        ("REDIS_URL", "redis://127.0.0.1:1/0", "Redis is unreachable"),
    ],
)
def test_suite_stops_loudly_when_a_configured_service_is_down(tmp_path, variable, value, message):
    result = run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/regions/test_regions.py"],
        tmp_path,
        **{variable: value},
    )
    assert result.returncode == 3
    assert message in result.stdout + result.stderr
