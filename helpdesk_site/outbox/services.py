"""The transactional outbox (发件箱): side effects stored with the change that
causes them, delivered by a worker, retried with backoff, recorded once.

Use it from inside the change's transaction::

    from helpdesk_site.outbox import services as outbox

    outbox.enqueue(
        outbox.mail(f"sla.notification:{n.pk}", subject=..., body=..., to=[email]),
        outbox.call(f"sla.console:{n.pk}", push_escalations, notices=[[ticket_id, text]]),
    )

If the transaction rolls back, nothing is sent; once it commits, the messages
are in the database whatever happens to the process next. After the commit a
Celery task is asked to deliver them (best effort); Celery beat runs the same
delivery every minute, so what waited for a broker, a mail server or the
database goes out once they are back. Each message has a key that names the
effect; a key is stored once, and a delivered message is never sent again.
"""

import contextlib
import datetime as dt
import logging
import os
import threading
import time
import uuid
from collections import Counter

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from helpdesk_site.outbox.models import Kind, Message, State

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Attempts before a message is given up as failed (shown in the admin, retryable there).
    "OUTBOX_MAX_ATTEMPTS": 10,
    # Wait after the first failed attempt, doubled after each one, up to the maximum.
    "OUTBOX_RETRY_SECONDS": 60,
    "OUTBOX_RETRY_MAX_SECONDS": 3600,
    # How long a worker holds the messages it took; after that another may take
    # them (so also how long a killed worker's messages wait).
    "OUTBOX_CLAIM_SECONDS": 120,
    "OUTBOX_BATCH": 50,
    # Delivered messages are kept this long (their keys keep repeats out meanwhile).
    "OUTBOX_KEEP_DAYS": 30,
    # Kicks from one process within this many seconds go to the broker as one
    # (0: each at once, in the committing thread).
    "OUTBOX_KICK_GATHER_SECONDS": 0.2,
}
# How long a worker leaves a message queued with enqueue_live to the process that queued it.
LIVE_GRACE = dt.timedelta(seconds=30)
# A broker that is down should cost a request a refused connection, not kombu's
# seconds of reconnecting: the beat delivers what the kick could not.
KICK_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2}


def setting(name: str) -> float:
    """An outbox setting (OUTBOX_...), or its default."""
    return getattr(settings, name, DEFAULTS[name])


# --- Making messages ----------------------------------------------------------


def handler(function):
    """Mark a module-level function as one the outbox may call, with a
    message's payload as keyword arguments. It runs in a transaction with the
    record of its delivery; raising makes the message retry."""
    function.outbox_handler = True
    return function


def mail(key: str, *, subject, body, to: list[str], summary="") -> Message:
    """An e-mail, rendered now, sent from DEFAULT_FROM_EMAIL."""
    subject, to = str(subject), [str(address) for address in to]
    return Message(
        key=key,
        kind=Kind.MAIL,
        payload={"subject": subject, "body": str(body), "to": to},
        summary=(str(summary) or f"{subject} → {', '.join(to)}")[:300],
    )


def call(key: str, function, *, summary="", **kwargs) -> Message:
    """Follow-up work: `function` (marked @handler) called with `kwargs`,
    which must be JSON (ids, not objects: they are read again at delivery)."""
    if not getattr(function, "outbox_handler", False) or "." in function.__qualname__:
        raise TypeError(f"{function!r} is not a module-level @outbox.handler")
    return Message(
        key=key,
        kind=Kind.CALL,
        handler=f"{function.__module__}.{function.__qualname__}",
        payload=kwargs,
        summary=(str(summary) or key)[:300],
    )


def enqueue(*messages: Message) -> None:
    """Store the messages in the current transaction; once it commits, ask a
    worker to deliver them. A key that is already stored is skipped."""
    if messages:
        _store(messages)
        transaction.on_commit(kick)


def enqueue_live(*messages: Message) -> None:
    """As `enqueue`, but delivered by this process as soon as the transaction
    commits: a push to the operator consoles should not wait for a worker (and
    in the embedded setup only the web process reaches them). Workers leave
    them alone for LIVE_GRACE; whatever fails here is theirs after that."""
    if messages:
        _store(messages, delay=LIVE_GRACE)
        keys = [m.key for m in messages]
        transaction.on_commit(lambda: _deliver_here(keys))


def stamped(*messages: Message, delay=dt.timedelta(0)) -> tuple[Message, ...]:
    """The messages with their times set as they are stored, for a caller that
    writes them in a statement of its own (the chat's hot path), then calls
    `kick` on commit as `enqueue` does."""
    now = timezone.now()
    for message in messages:
        message.created_at, message.due_at = now, now + delay
    return messages


def _store(messages, delay=dt.timedelta(0)) -> None:
    Message.objects.bulk_create(stamped(*messages, delay=delay), ignore_conflicts=True)


def _deliver_here(keys: list[str]) -> None:
    try:
        deliver(keys=keys, now=timezone.now() + LIVE_GRACE)
    except Exception:
        # Claimed or not, the messages are stored: the beat's delivery retries them.
        logger.warning("outbox: could not deliver %s here", keys, exc_info=True)


# Each thread's broker connection for kicks, kept open: connecting costs more
# than the kick itself.
_brokers = threading.local()


def kick() -> None:
    """Ask a worker to deliver now. Best effort: the beat delivers whatever is
    due every minute, so a broker that is down must not fail the change that
    has just been committed.

    A worker delivers everything that is due, so one kick sent after the last
    of several commits serves them all: kicks are gathered for
    OUTBOX_KICK_GATHER_SECONDS and sent by a thread of the process's own. A
    busy chat commits a line every few milliseconds and no longer pays a
    broker message for each."""
    gather = setting("OUTBOX_KICK_GATHER_SECONDS")
    if gather > 0:
        _gathered_kicks.want(gather)
    else:
        _send_kick()


def _send_kick() -> None:
    from helpdesk_site.outbox.tasks import deliver as task

    broker = getattr(_brokers, "connection", None)
    try:
        if broker is None:
            broker = task.app.connection_for_write(transport_options=KICK_TRANSPORT_OPTIONS)
            _brokers.connection = broker
        task.apply_async(connection=broker, retry=False)
    except Exception:
        # Connected afresh next time.
        _brokers.connection = None
        with contextlib.suppress(Exception):
            broker.release()
        logger.warning("outbox: broker unreachable; the next scheduled delivery sends what waits")


class _GatheredKicks:
    """One sending thread per process (started on first use, again after a
    fork). Its flag is cleared before each send, so a kick wanted after the
    clearing is sent by the next round and one wanted before it by this one:
    every commit is followed by a kick."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._wanted = threading.Event()

    def want(self, gather: float) -> None:
        if self._pid != os.getpid():
            self._start(gather)
        self._wanted.set()

    def _start(self, gather: float) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._wanted = threading.Event()
            threading.Thread(
                target=self._send_forever,
                args=(self._wanted, gather),
                name="outbox-kicks",
                daemon=True,
            ).start()
            self._pid = os.getpid()

    @staticmethod
    def _send_forever(wanted: threading.Event, gather: float) -> None:
        while True:
            wanted.wait()
            time.sleep(gather)
            wanted.clear()
            _send_kick()


_gathered_kicks = _GatheredKicks()


# --- Delivering ---------------------------------------------------------------


def deliver(*, now=None, keys=None) -> dict[str, int]:
    """Deliver every message that is due (or only those with these keys);
    return how many were delivered, will be retried, or failed for good.

    Safe in several workers at once: each takes a batch with
    SELECT … FOR UPDATE SKIP LOCKED and claims it in the same transaction, so
    no two deliver the same message; a worker that dies leaves its claim to
    run out, and the messages are delivered again after it."""
    now = now or timezone.now()
    counts = Counter()
    size = setting("OUTBOX_BATCH")
    while True:
        token, batch = _claim(now, keys, size)
        if not batch:
            break
        _deliver_batch(batch, token, now, counts)
        if len(batch) < size:
            break
    return dict(counts)


def _claim(now, keys, size) -> tuple[str, list[Message]]:
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = Message.objects.select_for_update(skip_locked=True).filter(
            state=State.PENDING, due_at__lte=now
        )
        if keys is not None:
            due = due.filter(key__in=keys)
        ids = list(due.order_by("due_at", "id").values_list("id", flat=True)[:size])
        if not ids:
            return token, []
        # The conditions again: on SQLite, which has no row locks, a second
        # worker's update finds the rows claimed and takes none of them.
        Message.objects.filter(id__in=ids, state=State.PENDING, due_at__lte=now).update(
            claim=token,
            attempts=F("attempts") + 1,
            due_at=now + dt.timedelta(seconds=setting("OUTBOX_CLAIM_SECONDS")),
        )
        return token, list(Message.objects.filter(id__in=ids, claim=token).order_by("id"))


def _deliver_batch(batch, token, now, counts) -> None:
    # Start no send in the claim's second half: one that hangs until the mail
    # timeout still ends before another worker may take the same messages.
    deadline = time.monotonic() + setting("OUTBOX_CLAIM_SECONDS") / 2
    mails = [m for m in batch if m.kind == Kind.MAIL]
    if mails:
        _send_mails(mails, token, now, counts, deadline)
    for message in batch:
        if message.kind == Kind.CALL and time.monotonic() < deadline:
            _run_call(message, token, now, counts)


def _send_mails(mails, token, now, counts, deadline) -> None:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:
        for message in mails:
            _failed(message, token, error, now, counts)
        return
    try:
        for message in mails:
            if time.monotonic() >= deadline:
                return
            email = EmailMessage(
                message.payload["subject"],
                message.payload["body"],
                settings.DEFAULT_FROM_EMAIL,
                message.payload["to"],
                # The same id on a repeat, so mail clients can tell it is one.
                headers={"Message-ID": _message_id(message)},
                connection=connection,
            )
            try:
                email.send()
            except Exception as error:
                _failed(message, token, error, now, counts)
            else:
                _delivered(message, token, counts)
    finally:
        connection.close()


def _message_id(message) -> str:
    return f"<outbox.{message.pk}.{int(message.created_at.timestamp())}@{DNS_NAME}>"


def _run_call(message, token, now, counts) -> None:
    try:
        function = import_string(message.handler)
        if not getattr(function, "outbox_handler", False):
            raise LookupError(f"{message.handler} is not an outbox handler")
        with transaction.atomic():
            function(**message.payload)
            _delivered(message, token, counts)
    except Exception as error:
        _failed(message, token, error, now, counts)


def _delivered(message, token, counts) -> None:
    Message.objects.filter(pk=message.pk, claim=token).update(
        state=State.DELIVERED, delivered_at=timezone.now(), claim="", last_error=""
    )
    counts["delivered"] += 1


def backoff(attempts: int) -> dt.timedelta:
    """The wait after `attempts` failed attempts."""
    seconds = setting("OUTBOX_RETRY_SECONDS") * 2 ** (attempts - 1)
    return dt.timedelta(seconds=min(seconds, setting("OUTBOX_RETRY_MAX_SECONDS")))


def _failed(message, token, error, now, counts) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    mine = Message.objects.filter(pk=message.pk, claim=token)
    if message.attempts >= setting("OUTBOX_MAX_ATTEMPTS"):
        mine.update(state=State.FAILED, claim="", last_error=text)
        counts["failed"] += 1
        logger.error(
            "outbox: %s failed for good after %d attempts: %s", message, message.attempts, text
        )
    else:
        mine.update(due_at=now + backoff(message.attempts), claim="", last_error=text)
        counts["retrying"] += 1
        logger.warning("outbox: %s not delivered (attempt %d): %s", message, message.attempts, text)


# --- Looking after it ---------------------------------------------------------


def retry(ids) -> int:
    """Give failed messages a new round of attempts, from now."""
    count = Message.objects.filter(pk__in=ids, state=State.FAILED).update(
        state=State.PENDING, attempts=0, due_at=timezone.now(), claim=""
    )
    if count:
        transaction.on_commit(kick)
    return count


def purge(now=None) -> int:
    """Forget delivered messages older than OUTBOX_KEEP_DAYS."""
    before = (now or timezone.now()) - dt.timedelta(days=setting("OUTBOX_KEEP_DAYS"))
    deleted, _by_model = Message.objects.filter(
        state=State.DELIVERED, created_at__lt=before
    ).delete()
    return deleted
