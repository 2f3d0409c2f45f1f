"""Every change to a ticket, its details, follow-ups, attachments, SLA clocks
and FAQs is recorded with who, when, before and after; operators and
supervisors read it on the ticket's page, reporters do not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpdesk.forms import EditTicketForm
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from helpdesk_site.tickets.models import Category, TicketDetails
from tests.factories import PNG

pytestmark = pytest.mark.django_db


def edit_in_helpdesk(client, ticket, **changes):
    """Post helpdesk's own staff edit form, as an operator does."""
    form = EditTicketForm(instance=ticket)
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(changes)
    response = client.post(reverse("helpdesk:edit", args=[ticket.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def history_section(client, ticket) -> str:
    body = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    start = body.find('id="change-history"')
    return body[start : body.find("</details>", start)] if start >= 0 else ""


def test_an_operators_edit_in_helpdesk_is_on_the_ticket_history(
    ticket, operator, supervisor, reporter, as_user
):
    edit_in_helpdesk(
        as_user(operator), ticket, title="电子证照制作失败（已核实）", description="改写后的描述"
    )
    history = history_section(as_user(operator), ticket)
    assert "变更记录" in history
    assert "李工" in history
    assert "标题" in history
    assert "电子证照无法制作" in history and "电子证照制作失败（已核实）" in history
    assert "制作营业执照电子证照时页面一直转圈。" in history and "改写后的描述" in history
    # Supervisors read it too; reporters do not.
    assert "电子证照制作失败（已核实）" in history_section(as_user(supervisor), ticket)
    reporter_page = as_user(reporter).get(reverse("tickets:detail", args=[ticket.pk]))
    assert reporter_page.status_code == 200
    assert "change-history" not in reporter_page.content.decode()
    assert "电子证照无法制作" not in reporter_page.content.decode()


def test_history_is_escaped(ticket, operator, as_user):
    edit_in_helpdesk(as_user(operator), ticket, title="<script>alert(1)</script>")
    history = history_section(as_user(operator), ticket)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in history
    assert "<script>alert(1)" not in history


def test_detail_and_clock_changes_are_recorded(ticket, operator, as_user):
    details = TicketDetails.objects.get(ticket=ticket)
    details.category = Category.CONSULTATION
    details.save()
    # The operator's public reply in helpdesk stops the first-response clock.
    response = as_user(operator).post(
        reverse("helpdesk:update", args=[ticket.pk]),
        {
            "comment": "已收到，正在处理",
            "public": True,
            "title": ticket.title,
            "queue": ticket.queue_id,
            "body": ticket.description,
            "priority": 3,
            "new_status": Ticket.OPEN_STATUS,
        },
    )
    assert response.status_code == 302
    history = history_section(as_user(operator), ticket)
    assert "工单详情" in history and "日常故障处理" in history and "咨询服务" in history
    rows = [row for row in history.split("<tr>") if "SLA 时钟：首次响应" in row]
    assert rows, history
    assert "李工" in rows[0] and "停止" in rows[0]


def test_attachments_added_are_recorded_and_never_removed(ticket, reporter, operator, as_user):
    upload = SimpleUploadedFile("截图.png", PNG, "image/png")
    response = as_user(reporter).post(
        reverse("tickets:comment", args=[ticket.pk]), {"comment": "补充截图", "attachments": upload}
    )
    assert response.status_code == 302
    attachment = FollowUpAttachment.objects.get(followup__ticket=ticket)
    response = as_user(operator).post(
        reverse("helpdesk:attachment_del", args=[ticket.pk, attachment.pk])
    )
    assert response.status_code == 302
    assert FollowUpAttachment.objects.filter(pk=attachment.pk).exists()
    history = history_section(as_user(operator), ticket)
    assert history.count("附件「截图.png」") == 1
    assert "已删除" not in history


def test_faq_edits_are_recorded_with_who(operator):
    from kb import faqs as kb

    faq = kb.create_draft(user=operator, question="证照模板在哪里发布？", answer="在目录中。")
    kb.edit_faq(
        user=operator, faq=faq, question="证照模板在哪里发布？", answer="在证照目录中发布。"
    )
    answers = [r.answer for r in type(faq.kbitem).history.filter(id=faq.kbitem_id)]
    assert "在目录中。" in answers and "在证照目录中发布。" in answers


def test_editing_a_followup_keeps_the_original_and_says_who_edited_it(
    ticket, reporter, operator, as_user
):
    opening = FollowUp.objects.filter(ticket=ticket).earliest("date")
    response = as_user(operator).post(
        reverse("helpdesk:followup_edit", args=[ticket.pk, opening.pk]),
        {
            "title": opening.title,
            "ticket": ticket.pk,
            "comment": "操作员改写的内容",
            "public": True,
            "new_status": Ticket.OPEN_STATUS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    opening.refresh_from_db()
    assert opening.comment == "操作员改写的内容"
    # The reporter still sees their follow-up, marked as edited, and by whom.
    page = as_user(reporter).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "操作员改写的内容" in page
    assert "已编辑 · 李工" in page
    # The original words are in the history.
    history = history_section(as_user(operator), ticket)
    assert "制作营业执照电子证照时页面一直转圈。" in history and "操作员改写的内容" in history


def test_supervisors_do_not_read_internal_notes_in_the_history(
    ticket, operator, supervisor, as_user
):
    note = FollowUp.objects.create(
        ticket=ticket,
        title="内部备注",
        comment="内部排查：数据库锁等待",
        public=False,
        user=operator,
    )
    note.comment = "内部排查：已定位为模板缺失"
    note.save()
    assert "已定位为模板缺失" in history_section(as_user(operator), ticket)
    history = history_section(as_user(supervisor), ticket)
    assert "change-history" in history
    assert "内部排查" not in history and "内部备注" not in history
