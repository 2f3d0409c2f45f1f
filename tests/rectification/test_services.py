"""Creating items, their transitions, and the overdue escalation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk_site.notices.models import Notice as Notification
from helpdesk_site.outbox.models import Message
from rectification import services
from rectification.models import RectificationEvent, RectificationItem, Status
from sla.models import CalendarDay
from sla.selectors import default_calendar
from tests.factories import UserFactory
from tests.rectification.conftest import spot
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


def test_the_deadline_is_n_working_days_on_the_sla_calendar(
    kangding_supervisor, kangding_centre, make_item
):
    # National Day 2025: 10-01..10-08 off; Saturday 10-11 is worked (调休).
    item = make_item(kangding_supervisor, kangding_centre, created="2025-09-30 10:00", days=3)
    assert item.deadline == dt.date(2025, 10, 11)
    assert item.status == Status.PENDING
    assert item.evidence["resolved"] == 12 and item.evidence["met"] == 7
    assert "12件中7件达标" in item.finding
    assert [e.action for e in item.events.all()] == ["create"]


def test_a_local_holiday_of_the_calendar_moves_the_deadline(
    kangding_supervisor, kangding_centre, make_item
):
    CalendarDay.objects.create(
        calendar=default_calendar(), date=dt.date(2025, 11, 13), reason="藏历新年（示例）"
    )
    item = make_item(kangding_supervisor, kangding_centre, created="2025-11-12 10:00", days=1)
    assert item.deadline == dt.date(2025, 11, 14)


def test_a_supervisor_acts_only_in_their_region(
    luding_supervisor, kangding_supervisor, kangding_centre, luding_centre, make_item
):
    with pytest.raises(PermissionDenied):
        make_item(luding_supervisor, luding_centre)  # 康定's weak spot
    with pytest.raises(PermissionDenied):
        make_item(kangding_supervisor, luding_centre)  # a department of 泸定
    item = make_item(kangding_supervisor, kangding_centre)
    with pytest.raises(PermissionDenied):
        services.start(item, luding_supervisor)
    assert RectificationItem.objects.get().status == Status.PENDING


def test_a_weak_spot_is_entered_once_per_period(kangding_supervisor, kangding_centre, make_item):
    make_item(kangding_supervisor, kangding_centre)
    with pytest.raises(ValidationError, match="已在本期整改台账中"):
        make_item(kangding_supervisor, kangding_centre)
    # The same county in the next week is a new item.
    make_item(kangding_supervisor, kangding_centre, day=dt.date(2025, 11, 19))
    assert RectificationItem.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("measures", "  ", "请填写整改措施"), ("working_days", 0, "1至120个工作日")],
)
def test_bad_input_is_refused_with_a_clear_message(
    kangding_supervisor, kangding_centre, field, value, message
):
    arguments = {"department": kangding_centre, "measures": "复盘", "working_days": 5}
    arguments[field] = value
    with pytest.raises(ValidationError, match=message):
        services.create_from_weak_spot(spot(), kangding_supervisor, **arguments)
    assert not RectificationItem.objects.exists()


def test_transitions_are_recorded_and_invalid_ones_refused(
    kangding_supervisor, kangding_centre, make_item, now
):
    item = make_item(kangding_supervisor, kangding_centre)
    now.set("2025-11-13 09:00")
    item = services.start(item, kangding_supervisor)
    assert item.status == Status.IN_PROGRESS and item.started_at == at("2025-11-13 09:00")
    with pytest.raises(ValidationError, match="整改中"):
        services.start(item, kangding_supervisor)
    with pytest.raises(ValidationError, match="整改完成情况"):
        services.complete(item, kangding_supervisor, note=" ")
    now.set("2025-11-18 17:00")
    item = services.complete(item, kangding_supervisor, note="已调整值守排班，超时工单已复盘")
    assert item.status == Status.DONE and item.completion_note.startswith("已调整值守")
    with pytest.raises(ValidationError):
        services.complete(item, kangding_supervisor, note="再次完成")
    history = list(item.events.values_list("action", "status_before", "status_after"))
    assert history == [
        ("create", "", "pending"),
        ("start", "pending", "in_progress"),
        ("complete", "in_progress", "done"),
    ]


def test_the_history_is_append_only(kangding_supervisor, kangding_centre, make_item):
    item = make_item(kangding_supervisor, kangding_centre)
    event = item.events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        RectificationEvent.objects.filter(item=item).delete()
    with pytest.raises(PermissionError):
        event.delete()


def test_an_overdue_item_escalates_exactly_once(
    kangding_supervisor,
    luding_supervisor,
    prefecture_supervisor,
    kangding_centre,
    make_item,
    django_capture_on_commit_callbacks,
):
    late = make_item(kangding_supervisor, kangding_centre, days=2)  # due Friday 11-14
    done = make_item(kangding_supervisor, kangding_centre, day=dt.date(2025, 11, 5), days=2)
    services.complete(done, kangding_supervisor, note="已完成", now=at("2025-11-13 10:00"))

    # On the deadline day itself the item is not yet late.
    assert services.check_overdue(now=at("2025-11-14 17:59")) == 0
    assert services.check_overdue(now=at("2025-11-15 00:05")) == 1
    late.refresh_from_db()
    assert late.status == Status.OVERDUE and late.escalated_at == at("2025-11-15 00:05")
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {kangding_supervisor.username, prefecture_supervisor.username}
    notice = Notification.objects.first()
    assert late.number in notice.message and "加强值守" in notice.message  # the measures
    assert notice.kind == "rectification" and notice.path == f"/rectification/{late.pk}/"
    mails = Message.objects.filter(key__startswith="notices.mail:")
    assert sorted(m.payload["to"][0] for m in mails) == ["gz@example.cn", "kd@example.cn"]
    assert f"/rectification/{late.pk}/" in mails.first().payload["body"]
    assert "12件中7件达标" in mails.first().payload["body"]  # the finding
    assert all("\n" not in m.payload["subject"] for m in mails)  # a valid mail header

    # Later checks find nothing new; the item can still be completed, late.
    assert services.check_overdue(now=at("2025-11-16 00:05")) == 0
    assert Notification.objects.count() == 2 and mails.count() == 2
    late = services.complete(late, kangding_supervisor, note="已整改", now=at("2025-11-17 10:00"))
    assert late.status == Status.DONE
    assert services.check_overdue(now=at("2025-11-18 00:05")) == 0
    assert [e.action for e in late.events.all()] == ["create", "mark_overdue", "complete"]


def test_accepting_a_proposal_takes_its_advice_and_the_suggested_department(
    kangding_supervisor, kangding_centre, now
):
    now.set("2025-11-20 10:00")
    item = services.accept_proposal(spot(), kangding_supervisor)
    assert item.department == kangding_centre
    assert "排查解决环节" in item.measures  # the advice for late resolutions
    assert item.working_days == 15


def test_the_department_is_reminded_once_two_working_days_before_the_deadline(
    kangding_supervisor, kangding_centre, make_item, django_capture_on_commit_callbacks
):
    clerk = UserFactory(department=kangding_centre, email="clerk@example.cn")
    # Created Wednesday 11-12, due Wednesday 11-19: reminded from Monday 11-17.
    item = make_item(kangding_supervisor, kangding_centre, days=5)
    assert item.deadline == dt.date(2025, 11, 19)
    assert services.send_reminders(now=at("2025-11-14 10:00")) == 0
    assert services.send_reminders(now=at("2025-11-17 00:30")) == 1
    assert services.send_reminders(now=at("2025-11-18 00:30")) == 0  # once per item
    item.refresh_from_db()
    assert item.reminded_at == at("2025-11-17 00:30") and item.status == Status.PENDING
    reminded = Notification.objects.filter(kind="rectification")
    assert set(reminded.values_list("recipient__username", flat=True)) == {
        clerk.username,
        kangding_supervisor.username,
    }
    assert "将于2025-11-19到期" in reminded.first().message
    assert reminded.first().path == f"/rectification/{item.pk}/"
    assert [e.action for e in item.events.all()] == ["create", "remind"]


def test_a_deadline_just_after_a_holiday_is_reminded_before_it(
    kangding_supervisor, kangding_centre, make_item
):
    # National Day 2025: 10-01..10-08 off. Due Friday 10-10, the two working
    # days before it are 10-09 and 09-30.
    item = make_item(kangding_supervisor, kangding_centre, created="2025-09-29 10:00", days=3)
    assert item.deadline == dt.date(2025, 10, 10)
    assert services.send_reminders(now=at("2025-09-29 12:00")) == 0
    assert services.send_reminders(now=at("2025-09-30 09:00")) == 1


def test_an_extension_moves_the_deadline_and_keeps_the_first_one(
    kangding_supervisor, prefecture_supervisor, kangding_centre, make_item
):
    item = make_item(kangding_supervisor, kangding_centre, days=2)  # due Friday 11-14
    with pytest.raises(ValidationError, match="延期原因"):
        services.extend(
            item, kangding_supervisor, working_days=3, reason=" ", now=at("2025-11-13 10:00")
        )
    item = services.extend(
        item, kangding_supervisor, working_days=3, reason="需省平台配合", now=at("2025-11-13 10:00")
    )
    assert item.deadline == dt.date(2025, 11, 19) and item.original_deadline == dt.date(
        2025, 11, 14
    )
    assert item.status == Status.PENDING and item.working_days == 5
    event = item.events.last()
    assert (event.action, event.actor, event.note) == (
        "extend",
        kangding_supervisor,
        "需省平台配合",
    )
    assert (event.deadline_before, event.deadline_after) == (
        dt.date(2025, 11, 14),
        dt.date(2025, 11, 19),
    )
    # Not overdue at the first deadline any more; the prefecture heard of it.
    assert services.check_overdue(now=at("2025-11-15 00:05")) == 0
    assert Notification.objects.filter(recipient=prefecture_supervisor).count() == 1
    assert "由2025-11-14延至2025-11-19" in Notification.objects.first().message
    # Done after the first deadline: late in the reports, whatever the extension.
    item = services.complete(item, kangding_supervisor, note="已完成", now=at("2025-11-18 10:00"))
    from rectification import selectors

    [row] = selectors.as_of_cutoff([item], at("2025-11-20 00:00"))
    assert row.outcome == "逾期完成"


def test_no_extension_once_the_deadline_has_passed(kangding_supervisor, kangding_centre, make_item):
    item = make_item(kangding_supervisor, kangding_centre, days=2)
    with pytest.raises(ValidationError, match="整改期限已过"):
        services.extend(
            item, kangding_supervisor, working_days=2, reason="晚了", now=at("2025-11-15 09:00")
        )
    services.check_overdue(now=at("2025-11-15 00:05"))
    with pytest.raises(ValidationError):
        services.extend(
            item, kangding_supervisor, working_days=2, reason="晚了", now=at("2025-11-15 09:00")
        )


def test_a_withdrawn_item_is_closed_and_never_overdue(
    kangding_supervisor, kangding_centre, make_item
):
    item = make_item(kangding_supervisor, kangding_centre, days=2)
    with pytest.raises(ValidationError, match="撤销原因"):
        services.withdraw(item, kangding_supervisor, reason="", now=at("2025-11-13 10:00"))
    item = services.withdraw(
        item, kangding_supervisor, reason="与ZG2025-0001重复", now=at("2025-11-13 10:00")
    )
    assert item.status == Status.WITHDRAWN and not item.is_open
    assert (
        item.withdrawn_by == kangding_supervisor and item.withdrawal_reason == "与ZG2025-0001重复"
    )
    assert services.check_overdue(now=at("2025-11-20 00:05")) == 0
    assert services.send_reminders(now=at("2025-11-13 11:00")) == 0
    with pytest.raises(ValidationError):
        services.complete(item, kangding_supervisor, note="完成", now=at("2025-11-14 10:00"))
    from rectification import selectors

    [row] = selectors.as_of_cutoff([item], at("2025-11-20 00:00"))
    assert (row.status, row.outcome) == (Status.WITHDRAWN, "已撤销")
    assert [e.action for e in item.events.all()] == ["create", "withdraw"]


def test_the_history_refuses_changes_in_the_database_too(
    kangding_supervisor, kangding_centre, make_item
):
    from django.db import connection, transaction

    item = make_item(kangding_supervisor, kangding_centre)
    for statement in ("UPDATE {} SET note = 'x'", "DELETE FROM {}"):
        with (
            pytest.raises(Exception, match="Cannot"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement.format("rectification_rectificationevent"))
    assert item.events.get().note == ""
