"""On PostgreSQL a text line takes the chat's hot path (chat.storing): two
statements written once. It must leave exactly what the general path (the
ORM, still taken by images and on SQLite) leaves, and refuse what it refuses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.audit.services import withdraw_ticket
from helpdesk_site.chat import selectors, services, storing
from helpdesk_site.chat.errors import AccountChanged, ChatRefused
from helpdesk_site.chat.models import ChatMessage
from helpdesk_site.outbox.models import Message
from helpdesk_site.tickets import scope
from sla.models import ClockKind, SlaClock
from tests.chat.conftest import log_out, session_cookie
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Differ between any two lines by nature: ids, times, and what points at them.
OWN = {"id", "followup_id", "date", "created", "history_id", "history_date", "prev_id"}
OWN_OUTBOX = {"id", "key", "summary", "payload", "created_at", "due_at"}


def _values(instance, leave_out) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in leave_out
    }


def _rows(message_id) -> dict:
    message = ChatMessage.objects.get(pk=message_id)
    followup = FollowUp.objects.get(pk=message.followup_id)
    (copy,) = FollowUp.history.filter(id=followup.pk)
    outbox = Message.objects.get(key=f"chat.posted:{message.pk}")
    assert outbox.payload["followup_id"] == followup.pk
    assert outbox.summary == outbox.key
    return {
        "line": _values(message, OWN),
        "follow-up": _values(followup, OWN),
        "audit copy": _values(copy, OWN),
        "outbox": _values(outbox, OWN_OUTBOX) | {"old_status": outbox.payload["old_status"]},
    }


def _general_path(monkeypatch):
    monkeypatch.setattr(storing, "available", lambda: False)


def _statements(queries) -> list[str]:
    return [
        q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def _standing(user):
    """The standing of a fresh session of `user`, as a socket holds it."""
    return selectors.account_standing(session_cookie(user), user)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hot path is PostgreSQL's")
def test_a_text_line_is_stored_in_two_statements(room, django_capture_on_commit_callbacks):
    # The session's standing is tested by the first; the announcement and the
    # worker's kick run after the two statements.
    standing = _standing(room.filer)
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        posted = services.post_message(
            room.filer, room.ticket, "还是打不开", client_id="k1", standing=standing
        )
    statements = _statements(queries.captured_queries)
    assert len(statements) == 2, statements
    assert statements[0].startswith("UPDATE") and statements[1].startswith("WITH")
    assert posted.message.prev_id == 0
    assert posted.events[0][0] == f"chat.ticket.{room.ticket.pk}"


def test_both_paths_leave_the_same_rows(room, monkeypatch):
    hot = services.post_message(room.filer, room.ticket, "**第一条**<b>x</b>", client_id="k1")
    _general_path(monkeypatch)
    general = services.post_message(room.filer, room.ticket, "**第一条**<b>x</b>", client_id="k1b")
    hot_rows, general_rows = _rows(hot.message.pk), _rows(general.message.pk)
    hot_rows["line"].pop("client_id"), general_rows["line"].pop("client_id")
    assert hot_rows == general_rows
    assert hot.payload.keys() == general.payload.keys()
    assert [group for group, _event in hot.events] == [group for group, _event in general.events]


def test_lines_of_both_paths_chain_in_the_ticket(room, monkeypatch):
    first = services.post_message(room.filer, room.ticket, "一")
    second = services.post_message(room.colleague, room.ticket, "二")
    _general_path(monkeypatch)
    third = services.post_message(room.filer, room.ticket, "三")
    monkeypatch.undo()
    fourth = services.post_message(room.operator, room.ticket, "四")
    ids = [first.message.pk, second.message.pk, third.message.pk, fourth.message.pk]
    assert ids == sorted(ids)
    assert [m.message.prev_id for m in (first, second, third, fourth)] == [0, *ids[:3]]
    stored = ChatMessage.objects.filter(ticket=room.ticket).order_by("id")
    assert [(m.pk, m.prev_id) for m in stored] == list(zip(ids, [0, *ids[:3]], strict=True))


def test_an_operators_line_is_the_first_response(room):
    response = SlaClock.objects.get(ticket=room.ticket, kind=ClockKind.RESPONSE)
    assert response.stopped_at is None
    services.post_message(room.operator, room.ticket, "收到，正在处理。")
    response.refresh_from_db()
    assert response.stopped_at is not None


@pytest.mark.parametrize(
    "who",
    ["reporter of another county", "operator of other queues", "reporter of another department"],
)
def test_someone_outside_the_scope_stores_nothing(room, who):
    modified = Ticket.objects.get(pk=room.ticket.pk).modified
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.outsiders[who], room.ticket, "我也来说两句")
    assert refused.value.code == "forbidden"
    assert not ChatMessage.objects.exists()
    assert not Message.objects.filter(key__startswith="chat.posted:").exists()
    assert Ticket.objects.get(pk=room.ticket.pk).modified == modified


def test_a_withdrawn_ticket_takes_no_line_even_from_an_administrator(room):
    admin = UserFactory(is_superuser=True, is_staff=True, department=None)
    withdraw_ticket(user=admin, ticket=room.ticket, reason="重复提交")
    with pytest.raises(ChatRefused):
        services.post_message(admin, room.ticket, "还在吗")
    assert not ChatMessage.objects.exists()


def test_the_budget_counts_the_lines_of_both_paths(room, settings, monkeypatch):
    settings.CHAT_RATE_LIMIT = 2
    services.post_message(room.filer, room.ticket, "一")
    _general_path(monkeypatch)
    services.post_message(room.filer, room.ticket, "二")
    monkeypatch.undo()
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.filer, room.ticket, "三")
    assert refused.value.code == "rate_limited"
    assert 1 <= refused.value.extra["retry_after"] <= settings.CHAT_RATE_WINDOW
    assert ChatMessage.objects.count() == 2


def test_a_repeated_token_on_the_hot_path_gets_the_first_line(room):
    copies = FollowUp.history.count()
    first = services.post_message(room.filer, room.ticket, "打印机卡纸", client_id="same")
    again = services.post_message(room.filer, room.ticket, "打印机卡纸", client_id="same")
    assert again.replayed and again.message.pk == first.message.pk
    assert ChatMessage.objects.count() == FollowUp.history.count() - copies == 1


@pytest.fixture
def compiles(monkeypatch):
    """How often the scope rule is compiled for the hot path."""
    counted = []
    compile_rule = scope._compiled_visible_ids

    def counting(user):
        counted.append(user.pk)
        return compile_rule(user)

    monkeypatch.setattr(scope, "_compiled_visible_ids", counting)
    return counted


def _read_again(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hot path is PostgreSQL's")
def test_colleagues_share_one_compiled_rule_and_outsiders_stay_out(room, compiles):
    services.post_message(room.filer, room.ticket, "一")
    services.post_message(room.colleague, room.ticket, "二")
    services.post_message(_read_again(room.filer), room.ticket, "三")
    assert compiles == [room.filer.pk]
    with pytest.raises(ChatRefused):
        services.post_message(room.outsiders["reporter of another department"], room.ticket, "四")
    assert ChatMessage.objects.count() == 3


@pytest.mark.parametrize(
    "change",
    [{"password": "changed-elsewhere"}, {"is_active": False}, {"department": None}],
    ids=["password changed", "deactivated", "moved out of the department"],
)
@pytest.mark.parametrize("path", ["hot", "general"])
def test_a_line_from_an_account_changed_since_it_was_read_is_not_stored(
    room, monkeypatch, change, path
):
    standing = _standing(room.filer)
    type(room.filer).objects.filter(pk=room.filer.pk).update(**change)
    if path == "general":
        _general_path(monkeypatch)
    with pytest.raises(AccountChanged):
        services.post_message(room.filer, room.ticket, "还在吗", standing=standing)
    assert not ChatMessage.objects.exists()


def test_a_line_from_a_session_logged_out_since_is_not_stored(room):
    key = session_cookie(room.filer)
    standing = selectors.account_standing(key, room.filer)
    log_out(key)
    with pytest.raises(AccountChanged):
        services.post_message(room.filer, room.ticket, "还在吗", standing=standing)
    assert not ChatMessage.objects.exists()
