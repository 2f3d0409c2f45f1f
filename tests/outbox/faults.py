"""Real faults for the outbox's tests: a mail server and a broker that are
not there (a loopback port nobody listens on refuses at once)."""

import contextlib
import socket

from helpdesk_site.celery import app


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_down(settings):
    """Point a real SMTP backend at no server; returns what brings one back."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    def back_up():
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return back_up


@contextlib.contextmanager
def broker_down():
    """Celery as in production (tasks go to the broker), with the broker away."""
    eager, url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, url
