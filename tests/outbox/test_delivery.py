"""The outbox delivers each side effect once, retries what fails with growing
waits, gives up visibly, and survives a broker, a mail server or a worker
that goes away."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from helpdesk_site.outbox import services as outbox
from helpdesk_site.outbox import tasks
from helpdesk_site.outbox.models import Message, State
from helpdesk_site.people.models import Role
from tests.factories import UserFactory
from tests.outbox.faults import broker_down, smtp_down

pytestmark = pytest.mark.django_db

calls = []


@outbox.handler
def flaky(failures: int, note: str) -> None:
    """Follow-up work that meets a database error on its first `failures` runs."""
    calls.append(note)
    if len(calls) <= failures:
        raise OperationalError("server closed the connection unexpectedly")


@outbox.handler
def killed_once(note: str) -> None:
    """The worker dies (SIGTERM as SystemExit) the first time it runs this."""
    calls.append(note)
    if len(calls) == 1:
        raise SystemExit(1)


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()


def queue_mail(key="test.mail:1", to="kd@example.invalid"):
    with transaction.atomic():
        outbox.enqueue(outbox.mail(key, subject="工单升级", body="工单 #1 已超时", to=[to]))


def test_a_mail_goes_out_once_however_often_delivery_runs():
    queue_mail()
    assert outbox.deliver() == {"delivered": 1}
    assert outbox.deliver() == {}
    queue_mail()  # the same effect queued again
    assert outbox.deliver() == {}
    assert [m.to for m in mail.outbox] == [["kd@example.invalid"]]
    message = Message.objects.get()
    assert message.state == State.DELIVERED and message.attempts == 1


def test_nothing_is_sent_when_the_change_rolls_back():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.enqueue(outbox.mail("test.mail:1", subject="s", body="b", to=["a@example.invalid"]))
        1 / 0  # noqa: B018
    assert outbox.deliver() == {}
    assert not Message.objects.exists() and mail.outbox == []


def test_a_mail_server_that_is_down_is_retried_with_growing_waits(settings):
    back_up = smtp_down(settings)
    queue_mail()
    start = timezone.now()
    assert outbox.deliver(now=start) == {"retrying": 1}
    message = Message.objects.get()
    assert message.state == State.PENDING and message.attempts == 1
    assert message.due_at == start + dt.timedelta(seconds=60)
    assert "Connection" in message.last_error  # ConnectionRefusedError
    assert outbox.deliver(now=start + dt.timedelta(seconds=30)) == {}  # not due yet
    assert outbox.deliver(now=start + dt.timedelta(seconds=60)) == {"retrying": 1}
    assert Message.objects.get().due_at == start + dt.timedelta(seconds=60 + 120)
    back_up()
    assert outbox.deliver(now=start + dt.timedelta(seconds=180)) == {"delivered": 1}
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "工单升级"


def test_after_the_last_attempt_it_is_failed_in_the_admin_which_sends_it_again(client, settings):
    back_up = smtp_down(settings)
    settings.OUTBOX_MAX_ATTEMPTS = 3
    queue_mail()
    at = timezone.now()
    for expected in ({"retrying": 1}, {"retrying": 1}, {"failed": 1}):
        assert outbox.deliver(now=at) == expected
        at += dt.timedelta(days=1)
    assert outbox.deliver(now=at + dt.timedelta(days=30)) == {}  # given up: no more attempts
    message = Message.objects.get()
    assert (message.state, message.attempts) == (State.FAILED, 3)

    client.force_login(UserFactory(role=Role.ADMIN, department=None))
    page = client.get(reverse("admin:outbox_message_changelist"), {"state": "failed"})
    body = page.content.decode()
    assert "发件箱" in body and "发送失败" in body and "工单升级" in body
    back_up()
    response = client.post(
        reverse("admin:outbox_message_changelist"),
        {"action": "retry", "_selected_action": [message.pk]},
        follow=True,
    )
    assert "1 条发送失败的消息将重新发送" in response.content.decode()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.PENDING, 0)
    assert outbox.deliver() == {"delivered": 1}
    assert len(mail.outbox) == 1


def test_follow_up_work_that_meets_a_database_error_is_retried():
    with transaction.atomic():
        outbox.enqueue(outbox.call("test.call:1", flaky, failures=1, note="推送"))
    start = timezone.now()
    assert outbox.deliver(now=start) == {"retrying": 1}
    assert "OperationalError" in Message.objects.get().last_error
    assert outbox.deliver(now=start + dt.timedelta(minutes=1)) == {"delivered": 1}
    assert outbox.deliver(now=start + dt.timedelta(days=1)) == {}
    assert calls == ["推送", "推送"]


def test_a_worker_killed_while_delivering_leaves_the_message_for_the_next(settings):
    settings.OUTBOX_CLAIM_SECONDS = 600
    with transaction.atomic():
        outbox.enqueue(outbox.call("test.call:1", killed_once, note="推送"))
    start = timezone.now()
    with pytest.raises(SystemExit):
        outbox.deliver(now=start)
    assert Message.objects.get().state == State.PENDING
    # Its claim still holds: another worker leaves it alone meanwhile.
    assert outbox.deliver(now=start + dt.timedelta(seconds=60)) == {}
    after_claim = start + dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    assert outbox.deliver(now=after_claim) == {"delivered": 1}
    assert outbox.deliver(now=after_claim + dt.timedelta(days=1)) == {}
    assert calls == ["推送", "推送"]


def test_the_broker_being_down_fails_nothing_and_the_beat_delivers_later(
    django_capture_on_commit_callbacks,
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        queue_mail()  # its kick finds no broker
    assert mail.outbox == []
    tasks.deliver()  # what beat runs every minute
    assert [m.to for m in mail.outbox] == [["kd@example.invalid"]]


def test_a_live_message_is_delivered_by_the_process_that_queued_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox.enqueue_live(outbox.call("test.live:1", flaky, failures=0, note="推送"))
    assert calls == ["推送"]
    assert Message.objects.get().state == State.DELIVERED


def test_a_live_message_its_process_could_not_deliver_goes_out_from_a_worker():
    with transaction.atomic():  # the process dies after the commit, before delivering
        outbox.enqueue_live(outbox.call("test.live:1", flaky, failures=0, note="推送"))
    assert outbox.deliver() == {}  # left to its own process at first
    assert outbox.deliver(now=timezone.now() + outbox.LIVE_GRACE) == {"delivered": 1}
    assert calls == ["推送"]


def test_only_marked_functions_can_be_queued():
    with pytest.raises(TypeError):
        outbox.call("test.call:1", print, note="x")


def test_delivered_messages_are_forgotten_after_the_keeping_time(settings):
    settings.OUTBOX_KEEP_DAYS = 30
    queue_mail("test.mail:old")
    outbox.deliver()
    queue_mail("test.mail:waiting")
    assert outbox.purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert outbox.purge(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert list(Message.objects.values_list("key", flat=True)) == ["test.mail:waiting"]


def test_the_command_shows_what_waits_and_sends_failed_messages_again(capsys, settings):
    back_up = smtp_down(settings)
    settings.OUTBOX_MAX_ATTEMPTS = 1
    queue_mail()
    call_command("outbox", "deliver")
    assert "failed 1" in capsys.readouterr().out
    call_command("outbox")
    out = capsys.readouterr().out
    assert "failed" in out and "test.mail:1" in out
    back_up()
    call_command("outbox", "retry", "--all-failed")
    call_command("outbox", "deliver")
    assert "delivered 1" in capsys.readouterr().out
    assert len(mail.outbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_deliver_each_message_once(settings):
    settings.OUTBOX_BATCH = 7
    with transaction.atomic():
        outbox.enqueue(
            *(
                outbox.mail(f"test.mail:{i}", subject=f"#{i}", body="b", to=["a@example.invalid"])
                for i in range(120)
            )
        )
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            outbox.deliver()
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(m.subject for m in mail.outbox) == sorted(f"#{i}" for i in range(120))
    assert Message.objects.filter(state=State.DELIVERED).count() == 120
