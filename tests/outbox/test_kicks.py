"""Kicks after a burst of commits reach the broker as one message, and a kick
wanted after that one was sent goes out too: no commit is left waiting for
the beat."""

import time

import pytest

from helpdesk_site.celery import app
from helpdesk_site.outbox import services as outbox


def queued() -> int:
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        return channel.queue_declare(queue=app.conf.task_default_queue).message_count


def wait_for(count: int, seconds: float = 5.0) -> int:
    deadline = time.monotonic() + seconds
    while queued() < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return queued()


@pytest.fixture
def broker(settings):
    settings.OUTBOX_KICK_GATHER_SECONDS = 0.2
    app.conf.task_always_eager = False
    with app.connection_for_write() as connection:
        connection.default_channel.queue_declare(queue=app.conf.task_default_queue)
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    yield
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)


def test_a_burst_of_kicks_sends_one_and_a_later_kick_another(broker):
    for _ in range(50):
        outbox.kick()
    assert wait_for(1) == 1
    time.sleep(0.5)
    assert queued() == 1

    outbox.kick()
    assert wait_for(2) == 2
