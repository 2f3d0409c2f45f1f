"""Key work's changes and the sweep: reminders before a deadline and
escalations after it on the business calendar, each once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk_site.notices.models import Kind as NoticeKind
from helpdesk_site.notices.models import Notice
from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope
from keywork import services, tasks
from keywork.models import Action, Item, Kind, Status, Update
from tests.factories import UserFactory
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


def notices_to(user):
    return list(
        Notice.objects.filter(recipient=user, kind=NoticeKind.KEY_WORK).values_list(
            "message", flat=True
        )
    )


def sweep(when: str) -> int:
    return services.send_reminders(at(when)) + services.escalate_late(at(when))


def test_owners_are_reminded_three_working_days_before_across_the_weekend_once(
    make_item, clerk, kangding_supervisor, prefecture_supervisor
):
    item = make_item(milestones=[("窗口试运行", "2026-11-16")])  # a Monday
    assert sweep("2026-11-10 10:00") == 0
    assert sweep("2026-11-11 09:30") == 1
    (message,) = notices_to(clerk)
    assert "窗口试运行" in message and "2026-11-16" in message
    assert notices_to(kangding_supervisor) == [] and notices_to(prefecture_supervisor) == []
    assert sweep("2026-11-11 10:30") == 0
    assert sweep("2026-11-13 10:30") == 0
    assert len(notices_to(clerk)) == 1
    assert item.events.filter(action=Action.REMIND).count() == 1


def test_a_deadline_missed_on_friday_escalates_on_monday_once(
    make_item, clerk, kangding_supervisor, prefecture_supervisor, luding_supervisor
):
    item = make_item(milestones=[("窗口试运行", "2026-11-13")])
    sweep("2026-11-09 10:00")  # the reminder
    assert sweep("2026-11-14 10:00") == 0  # Saturday
    assert sweep("2026-11-15 10:00") == 0  # Sunday
    assert sweep("2026-11-16 08:00") == 1
    item.refresh_from_db()
    assert item.status == Status.LATE
    for boss in (kangding_supervisor, prefecture_supervisor):
        (message,) = notices_to(boss)
        assert "已逾期" in message and "2026-11-13" in message
    assert notices_to(luding_supervisor) == []
    assert sweep("2026-11-16 09:00") == 0
    assert sweep("2026-11-17 09:00") == 0
    assert len(notices_to(kangding_supervisor)) == 1
    assert item.events.filter(action=Action.ESCALATE).count() == 1


def test_a_deadline_before_national_day_escalates_after_it(make_item, kangding_supervisor):
    item = make_item(milestones=[("线上办理率达标", "2026-09-30")], created="2026-09-01 10:00")
    for day in range(1, 8):
        assert services.escalate_late(at(f"2026-10-0{day} 10:00")) == 0
    assert services.escalate_late(at("2026-10-08 10:00")) == 1
    item.refresh_from_db()
    assert item.status == Status.LATE


def test_reaching_the_missed_milestone_puts_a_late_item_back_on_schedule(make_item, clerk):
    item = make_item(milestones=[("试运行", "2026-11-13"), ("全面推开", "2026-12-10")])
    sweep("2026-11-16 10:00")
    first = item.milestones.get(title="试运行")
    services.reach_milestone(item, first, clerk, now=at("2026-11-17 10:00"))
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert item.events.filter(action=Action.CATCH_UP).count() == 1


def test_a_done_milestone_is_neither_reminded_nor_escalated(make_item, clerk):
    item = make_item(milestones=[("试运行", "2026-11-16")])
    services.reach_milestone(item, item.milestones.get(), clerk, now=at("2026-11-05 10:00"))
    assert sweep("2026-11-11 10:00") == 0
    assert sweep("2026-11-17 10:00") == 0
    assert notices_to(clerk) == []


def test_a_material_submission_is_reminded_and_escalated_on_its_due_date(
    make_item, clerk, kangding_supervisor
):
    make_item(kind=Kind.SUBMISSION, title="运行情况材料报送", due="2026-11-13")
    assert sweep("2026-11-10 10:00") == 1
    assert "运行情况材料报送" in notices_to(clerk)[0]
    assert sweep("2026-11-16 10:00") == 1
    assert len(notices_to(kangding_supervisor)) == 1


def test_a_submitted_material_is_done_and_nothing_more_is_sent(make_item, clerk):
    item = make_item(kind=Kind.SUBMISSION, title="运行情况材料报送", due="2026-11-13")
    material = SimpleUploadedFile("运行情况.txt", "平台运行平稳。".encode())
    services.submit_material(item, clerk, files=[material], now=at("2026-11-05 10:00"))
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert item.updates.get().attachments.get().filename == "运行情况.txt"
    assert sweep("2026-11-10 10:00") + sweep("2026-11-16 10:00") == 0


def test_done_with_open_milestones_needs_a_reason(make_item, kangding_supervisor):
    item = make_item(milestones=[("试运行", "2026-11-20")])
    with pytest.raises(ValidationError) as refused:
        services.complete(item, kangding_supervisor, note="", now=at("2026-11-05 10:00"))
    assert refused.value.messages[0].startswith("还有1个节点未完成")
    item.refresh_from_db()
    assert item.status == Status.NOT_STARTED
    services.complete(
        item, kangding_supervisor, note="省里调整了任务，试运行不再需要", now=at("2026-11-05 11:00")
    )
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert item.events.last().note == "省里调整了任务，试运行不再需要"


def test_cancelling_needs_a_reason_and_a_cancelled_item_is_not_swept(
    make_item, kangding_supervisor
):
    item = make_item(milestones=[("试运行", "2026-11-13")])
    with pytest.raises(ValidationError):
        services.cancel(item, kangding_supervisor, reason=" ")
    services.cancel(item, kangding_supervisor, reason="文件已废止", now=at("2026-11-05 10:00"))
    assert sweep("2026-11-16 10:00") == 0


def test_a_bad_file_stores_nothing(make_item, clerk):
    item = make_item()
    fake = SimpleUploadedFile("进展.pdf", b"MZ\x90\x00\x03\x00\x00\x00")
    with pytest.raises(ValidationError):
        services.post_update(item, clerk, text="进展顺利", files=[fake])
    assert not Update.objects.exists()
    item.refresh_from_db()
    assert item.status == Status.NOT_STARTED


def test_the_first_update_starts_the_item_and_may_reach_a_milestone(make_item, clerk):
    item = make_item(milestones=[("试运行", "2026-11-20")])
    milestone = item.milestones.get()
    services.post_update(item, clerk, text="试运行完成", milestone=milestone)
    item.refresh_from_db()
    milestone.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and milestone.is_done
    assert [e.action for e in item.events.all()] == [
        "create",
        "add_milestone",
        "start",
        "update",
        "milestone_done",
    ]


def test_others_may_not_change_an_item(make_item, luding_supervisor, luding_clerk, operator):
    item = make_item()
    with pytest.raises(PermissionDenied):
        services.post_update(item, luding_clerk, text="不是我的")
    with pytest.raises(PermissionDenied):
        services.post_update(item, operator, text="只读")
    with pytest.raises(PermissionDenied):
        services.cancel(item, luding_supervisor, reason="不是我的")


def test_the_beat_task_reminds_and_escalates(make_item, now, clerk, kangding_supervisor):
    make_item(milestones=[("试运行", "2026-11-13"), ("推开", "2026-11-19")])
    now.set("2026-11-16 10:00")
    assert tasks.sweep.delay().get() == 2  # 推开 reminded, 试运行 escalated
    assert tasks.sweep.delay().get() == 0


def test_moving_a_missed_due_date_later_puts_the_item_back_on_schedule(
    make_item, kangding_supervisor
):
    item = make_item(kind=Kind.SUBMISSION, title="材料报送", due="2026-11-13")
    services.escalate_late(at("2026-11-16 10:00"))
    item.refresh_from_db()
    assert item.status == Status.LATE
    services.edit_item(
        item, kangding_supervisor, due_date=dt.date(2026, 11, 30), now=at("2026-11-17 10:00")
    )
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert services.escalate_late(at("2026-11-18 10:00")) == 0
    assert services.escalate_late(at("2026-12-01 10:00")) == 1


def test_an_administrator_sees_and_changes_every_item(
    make_item, luding_centre, prefecture_supervisor
):
    admin = UserFactory(role=Role.ADMIN, department=None)
    item = make_item(region="513322", department=luding_centre, user=prefecture_supervisor)
    assert Item.objects.filter(scope.key_work_q(admin)).count() == 1
    services.cancel(item, admin, reason="重复录入", now=at("2026-11-05 10:00"))
