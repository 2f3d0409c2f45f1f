"""The reporter hears of what happens to their ticket: in the menu, on the
notices page, and by e-mail with a link to the ticket's page in the portal."""

import pytest
from django.core import mail
from django.urls import reverse
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.chat import services as chat_services
from helpdesk_site.notices import services
from helpdesk_site.notices.models import Kind, Notice
from helpdesk_site.satisfaction import services as satisfaction
from helpdesk_site.tickets import services as tickets
from sla import services as sla

pytestmark = pytest.mark.django_db


def notices_of(user):
    return list(Notice.objects.filter(recipient=user).order_by("id"))


def test_a_public_reply_is_a_notice_and_an_email_an_internal_note_is_neither(
    desk, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://desk.ganzi.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        update_ticket(desk.operator, desk.ticket, comment="内部：疑似证照库锁表", public=False)
    assert notices_of(desk.reporter) == []
    assert [m for m in mail.outbox if m.to == [desk.reporter.email]] == []

    with django_capture_on_commit_callbacks(execute=True):
        update_ticket(desk.operator, desk.ticket, comment="请清除浏览器缓存后重试。", public=True)
    [notice] = notices_of(desk.reporter)
    assert notice.kind == Kind.REPLY
    assert "王运维" in notice.message and "请清除浏览器缓存后重试" in notice.message
    [message] = [m for m in mail.outbox if m.to == [desk.reporter.email]]
    assert f"https://desk.ganzi.example.cn/tickets/{desk.ticket.pk}/" in message.body
    assert "example.com" not in message.body and "/helpdesk/view/" not in message.body
    assert message.from_email.startswith("甘孜州政务服务平台运维服务台 <")
    assert "NO QUEUE EMAIL ADDRESS DEFINED" not in message.from_email


def test_resolving_asks_for_a_rating_and_closing_or_reopening_is_told(desk):
    update_ticket(
        desk.operator,
        desk.ticket,
        comment="已修复证照模板。",
        public=True,
        new_status=Ticket.RESOLVED_STATUS,
    )
    [resolved] = notices_of(desk.reporter)
    assert resolved.kind == Kind.RATING and "评价" in resolved.message
    update_ticket(desk.operator, desk.ticket, public=True, new_status=Ticket.REOPENED_STATUS)
    update_ticket(desk.operator, desk.ticket, public=True, new_status=Ticket.CLOSED_STATUS)
    assert [n.kind for n in notices_of(desk.reporter)] == [Kind.RATING, Kind.STATUS, Kind.STATUS]
    assert "重新打开" in notices_of(desk.reporter)[1].message
    assert "关闭" in notices_of(desk.reporter)[2].message


def test_the_reporters_own_actions_tell_them_nothing(desk):
    tickets.add_comment(user=desk.reporter, ticket=desk.ticket, comment="补充截图")
    tickets.close_ticket(user=desk.reporter, ticket=desk.ticket)
    assert notices_of(desk.reporter) == []


def test_a_pause_waiting_on_the_reporter_is_told(desk):
    sla.set_on_hold(desk.ticket, desk.operator, on_hold=True, reason="请提供营业执照编号")
    [notice] = notices_of(desk.reporter)
    assert notice.kind == Kind.WAITING and "请提供营业执照编号" in notice.message


def test_the_bad_rating_follow_up_is_told_step_by_step(desk):
    update_ticket(
        desk.operator, desk.ticket, comment="已处理", public=True, new_status=Ticket.RESOLVED_STATUS
    )
    satisfaction.rate_ticket(desk.ticket, desk.reporter, score=1, comment="没人回电话")
    task = desk.ticket.bad_rating_tasks.get()
    for step in ("verify", "call_back", "rectify"):
        task = satisfaction.record_follow_up(
            task, desk.supervisor, step=step, text="已电话回访整改"
        )
    follow_ups = [n for n in notices_of(desk.reporter) if n.kind == Kind.BAD_RATING]
    assert len(follow_ups) == 4  # opened, verified, called back, rectified
    assert "已电话回访整改" in follow_ups[-1].message


def test_the_menu_counts_unread_and_mark_all_read_clears_it(desk, client):
    for n in range(3):
        update_ticket(desk.operator, desk.ticket, comment=f"第{n}次回复", public=True)
    client.force_login(desk.reporter)
    page = client.get(reverse("tickets:list")).content.decode()
    assert "data-notices-unread>3</span>" in page
    listing = client.get(reverse("notices:list")).content.decode()
    assert "第2次回复" in listing and "全部标为已读" in listing

    client.post(reverse("notices:read", args=[notices_of(desk.reporter)[0].pk]))
    assert "data-notices-unread>2</span>" in client.get(reverse("tickets:list")).content.decode()
    client.post(reverse("notices:read_all"))
    assert all(n.read_at for n in notices_of(desk.reporter))
    page = client.get(reverse("tickets:list")).content.decode()
    assert "data-notices-unread hidden>0</span>" in page


def test_marking_read_touches_only_ones_own_notices(desk, client):
    update_ticket(desk.operator, desk.ticket, comment="请重试", public=True)
    [notice] = notices_of(desk.reporter)
    client.force_login(desk.supervisor)
    client.post(reverse("notices:read", args=[notice.pk]))
    client.post(reverse("notices:read_all"))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_list_is_grouped_by_ticket_and_paged(desk, client):
    others = [
        tickets.file_ticket(
            reporter=desk.reporter,
            subsystem=desk.ticket.details.subsystem,
            category="fault",
            priority=3,
            title=f"第{n}张工单",
            description="无法登录",
        )
        for n in range(3)
    ]
    for ticket in [desk.ticket, *others]:
        services.notify([desk.reporter], ticket=ticket, message=f"关于 #{ticket.pk} 的通知")
        services.notify([desk.reporter], ticket=ticket, message=f"关于 #{ticket.pk} 的第二条")
    client.force_login(desk.reporter)
    first = client.get(reverse("notices:list"), {"page": 1})
    assert first.context["page"].paginator.num_pages == 1
    assert len(first.context["page"]) == 4
    assert all(len(group["notices"]) == 2 for group in first.context["page"])

    from helpdesk_site.notices import selectors

    page = selectors.grouped_page(desk.reporter, 2, per_page=3)
    assert len(page) == 1 and page[0]["ticket"].pk == desk.ticket.pk  # the oldest, last


def test_a_burst_of_chat_lines_is_one_notice(desk, now, django_capture_on_commit_callbacks):
    now.set("2026-11-20 10:00")

    def chat(text):
        with django_capture_on_commit_callbacks(execute=True):
            chat_services.post_message(desk.operator, desk.ticket, text)

    chat("您好，我是运维王工")
    now.set("2026-11-20 10:01")
    chat("请问是哪一类证照？")
    now.set("2026-11-20 10:04")
    chat("方便的话发一张截图")
    [notice] = notices_of(desk.reporter)
    assert notice.kind == Kind.REPLY and "您好，我是运维王工" in notice.message
    assert len([m for m in mail.outbox if m.to == [desk.reporter.email]]) == 1

    # A formal reply is always told; after a quiet spell, the chat again.
    with django_capture_on_commit_callbacks(execute=True):
        update_ticket(desk.operator, desk.ticket, comment="已定位问题，正在修复。", public=True)
    now.set("2026-11-20 10:30")
    chat("修好了，请再试一次")
    told = [n.message for n in notices_of(desk.reporter)]
    assert len(told) == 3
    assert "已定位问题" in told[1] and "修好了" in told[2]
