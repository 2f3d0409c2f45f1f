"""A text chat line stored in two statements whose SQL is built once.

Through the ORM a line costs about ten statements, each compiled anew, and
the audit copy of its follow-up a model save of its own; a busy chat stores
hundreds of lines a second. For the common case (text, no image, on
PostgreSQL) this module writes the same rows in two statements:

1. the ticket's row is updated (``modified``) only where the poster's scope
   holds it, their session stands as the caller read it, and their budget of
   lines has room; the row is then locked until
   the commit, and the statement returns what the announcement shows of the
   ticket and the ids of the follow-up and the line, drawn from their
   sequences under that lock (so ids follow commit order within a ticket);
2. one statement inserts the follow-up, its audit copy, the outbox message
   and the line, whose ``prev_id`` is read under the lock.

The follow-up's pre_save and post_save receivers are heard as with a model
save (the SLA engine's first response among them); django-simple-history's
own post_save is told the copy is written (``skip_history_when_saving``).

Whatever else happens (no row: refused, or over the budget; a client token
already used) gives None, and services.post_message takes its general path,
which says why. tests/chat/test_storing.py compares the rows of both paths.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Count, Min
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.audit.models import history_user
from helpdesk_site.chat.models import ChatMessage
from helpdesk_site.outbox import services as outbox
from helpdesk_site.tickets import scope

AUDIT_COPY = FollowUp.history.model


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


class _Insert:
    """The INSERT of one row of `model` with every concrete field but
    `leave_out`, its values prepared by each field as Model.save prepares
    them (pre_save, then get_db_prep_save)."""

    def __init__(self, model, leave_out=(), extra_columns=(), tail=""):
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in leave_out]
        columns = [f.column for f in self.fields] + [column for column, _sql in extra_columns]
        values = ["%s"] * len(self.fields) + [sql for _column, sql in extra_columns]
        # Names from the model's metadata only; every value is a parameter.
        self.sql = (
            f"INSERT INTO {_quoted(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(_quoted(c) for c in columns)}) VALUES ({', '.join(values)}){tail}"
        )

    def params(self, instance) -> list:
        return [
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in self.fields
        ]


# The ticket's newest message, read by the line's INSERT itself under the row
# lock (both paths). Written out rather than built as a Subquery, whose
# compiling for every line cost more than the INSERT. Only the model's own
# table name is formatted in; the ticket id is a parameter.
NEWEST_IN_TICKET = (
    f"SELECT COALESCE(MAX(id), 0) FROM {ChatMessage._meta.db_table} WHERE ticket_id = %s"  # noqa: S608
)


def _budget_start(now):
    """Lines stored after this count against the budget at `now`."""
    return now - timedelta(seconds=settings.CHAT_RATE_WINDOW)


def line_followup(ticket, user, comment: str) -> FollowUp:
    """A chat line's place in the ticket's history (both paths)."""
    followup = FollowUp(
        ticket=ticket, title=_("Chat message"), comment=comment, public=True, user=user
    )
    # Its chat line announces it; the follow-up is not pushed a second time.
    followup.from_chat = True
    return followup


def _recent_lines_sql() -> str:
    """The author's lines stored after a time: the chat's budget (at most
    CHAT_RATE_LIMIT lines in CHAT_RATE_WINDOW seconds) is counted on what was
    stored, so every process and both paths count the same lines."""
    table = _quoted(ChatMessage._meta.db_table)
    return f"SELECT count(*) FROM {table} WHERE author_id = %s AND created > %s"  # noqa: S608


@dataclass
class _Statements:
    lock: str
    insert: str
    followup: _Insert
    audit_copy: _Insert
    outbox: _Insert
    line: _Insert


_statements: _Statements | None = None


def _built() -> _Statements:
    global _statements
    if _statements is None:
        ticket = _quoted(Ticket._meta.db_table)
        sequence = "nextval(pg_get_serial_sequence('{}', 'id'))"
        lock = (
            f"UPDATE {ticket} SET {_quoted(Ticket._meta.get_field('modified').column)} = %s "  # noqa: S608
            "WHERE id = %s AND id IN ({scope}) AND EXISTS ({standing}) "
            f"AND ({_recent_lines_sql()}) < %s "
            "RETURNING status, title, created, queue_id, assigned_to_id, "
            f"{sequence.format(FollowUp._meta.db_table)}, "
            f"{sequence.format(ChatMessage._meta.db_table)}"
        )
        followup = _Insert(FollowUp)
        audit_copy = _Insert(AUDIT_COPY, leave_out=("history_id",))
        outbox_message = _Insert(outbox.Message, leave_out=("id",), tail=" ON CONFLICT DO NOTHING")
        line = _Insert(
            ChatMessage,
            leave_out=("prev_id",),
            extra_columns=[("prev_id", f"({NEWEST_IN_TICKET})")],
            tail=" RETURNING prev_id",
        )
        insert = (
            f"WITH followup AS ({followup.sql}), audit_copy AS ({audit_copy.sql}), "
            f"outbox AS ({outbox_message.sql}) {line.sql}"
        )
        _statements = _Statements(lock, insert, followup, audit_copy, outbox_message, line)
    return _statements


def _server_binding_cursor():
    """A cursor on Django's connection that sends the values apart from the
    SQL (PostgreSQL's extended protocol) instead of quoting some forty of
    them into the text, as the project's client-side cursors do; wrapped as
    Django wraps its own (database errors, query logging)."""
    connection.ensure_connection()
    raw = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def available() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class StoredLine:
    message: ChatMessage
    ticket: Ticket


# What the lock statement asks of the poster's session when the caller read
# the user just now: nothing.
_STANDS = ("SELECT 1", ())


def store_line(user, ticket_id: int, body: str, body_html: str, client_id, posted, standing):
    """Store a text line as described above; None when the general path must
    decide. `posted(line_id, followup_id, old_status)` makes the outbox
    message the line leaves for the rest of the desk; `standing`
    (chat.selectors.AccountStanding, or None) is tested by the lock statement
    too, so a socket's check of its user costs no statement of its own."""
    visible = scope.visible_ticket_ids_sql(user)
    if visible is None:
        return None
    scope_sql, scope_params = visible
    standing_sql, standing_params = _STANDS if standing is None else (standing.sql, standing.params)
    built = _built()
    now = timezone.now()
    try:
        with transaction.atomic(), _server_binding_cursor() as cursor:
            cursor.execute(
                built.lock.replace("{scope}", scope_sql).replace("{standing}", standing_sql),
                [
                    now,
                    ticket_id,
                    *scope_params,
                    *standing_params,
                    user.pk,
                    _budget_start(now),
                    settings.CHAT_RATE_LIMIT,
                ],
            )
            row = cursor.fetchone()
            if row is None:
                return None
            status, title, created, queue_id, assigned_to_id, followup_id, line_id = row
            ticket = Ticket(
                pk=ticket_id,
                status=status,
                title=title,
                created=created,
                queue_id=queue_id,
                assigned_to_id=assigned_to_id,
            )
            followup = line_followup(ticket, user, body)
            followup.pk, followup.date = followup_id, now
            pre_save.send(
                sender=FollowUp,
                instance=followup,
                raw=False,
                using=connection.alias,
                update_fields=None,
            )
            copy = AUDIT_COPY(
                history_date=now,
                history_type="+",
                history_user=history_user(),
                history_change_reason=None,
                **{
                    field.attname: getattr(followup, field.attname)
                    for field in built.audit_copy.fields
                    if not field.attname.startswith("history_")
                },
            )
            message = ChatMessage(
                pk=line_id,
                ticket=ticket,
                author=user,
                body=body,
                body_html=body_html,
                followup=followup,
                created=now,
                client_id=client_id,
            )
            (outbox_message,) = outbox.stamped(posted(line_id, followup_id, status))
            cursor.execute(
                built.insert,
                [
                    *built.followup.params(followup),
                    *built.audit_copy.params(copy),
                    *built.outbox.params(outbox_message),
                    *built.line.params(message),
                    ticket_id,
                ],
            )
            (message.prev_id,) = cursor.fetchone()
            followup._state.adding = message._state.adding = False
            followup.skip_history_when_saving = True
            post_save.send(
                sender=FollowUp,
                instance=followup,
                created=True,
                update_fields=None,
                raw=False,
                using=connection.alias,
            )
            del followup.skip_history_when_saving
            transaction.on_commit(outbox.kick)
    except IntegrityError:
        # A client token already used: the general path replays or refuses.
        return None
    return StoredLine(message, ticket)


def recent_lines(user, now) -> tuple[int, object]:
    """How many lines count against the user's budget at `now`, and the
    oldest of them (when a place frees): the lock statement's condition,
    through the ORM for every database."""
    recent = ChatMessage.objects.filter(author=user, created__gt=_budget_start(now)).aggregate(
        count=Count("id"), oldest=Min("created")
    )
    return recent["count"], recent["oldest"]
