"""The operator's workbench: django-helpdesk's ticket page with the clocks,
pause, category and priority, escalation, and resolving with a root cause."""

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from helpdesk_site.notices.models import Notice as Notification
from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Category, TicketDetails
from helpdesk_site.tickets.scope import assignable_users
from sla.models import HandlingLogEntry, LogKind, TeamLead
from tests.factories import OperatorFactory, UserFactory, file_ticket, get_subsystem

pytestmark = pytest.mark.django_db


@pytest.fixture
def fault(now, reporter):
    now.set("2025-09-30 09:00")  # a Tuesday, a working day
    return file_ticket(reporter)


def workbench(client, ticket, **extra) -> str:
    return client.get(reverse("helpdesk:view", args=[ticket.pk]), **extra).content.decode()


def respond(ticket, **fields) -> dict:
    """helpdesk's respond form as its page posts it."""
    return {
        "title": ticket.title,
        "queue": ticket.queue_id,
        "priority": ticket.priority,
        "public": "1",
        **fields,
    }


def log_kinds(ticket) -> list[str]:
    return list(HandlingLogEntry.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_the_portal_page_sends_an_operator_to_the_workbench(client, fault, operator, reporter):
    client.force_login(operator)
    portal = client.get(reverse("tickets:detail", args=[fault.pk])).content.decode()
    assert 'id="workbench-link"' in portal
    assert reverse("helpdesk:view", args=[fault.pk]) in portal
    # The clocks are worked in one place only.
    assert 'id="hold"' not in portal and 'id="resolve"' not in portal
    response = client.post(reverse("sla:hold", args=[fault.pk]), {"waiting_for": "reporter"})
    assert response["Location"] == reverse("helpdesk:view", args=[fault.pk])
    client.force_login(reporter)
    assert (
        'id="workbench-link"'
        not in client.get(reverse("tickets:detail", args=[fault.pk])).content.decode()
    )


def test_the_workbench_shows_the_clocks_in_beijing_time_and_working_time_left(
    client, fault, operator, now
):
    now.set("2025-09-30 10:00")
    client.force_login(operator)
    page = workbench(client, fault)
    # First response: 2 working hours from 09:00, due 11:00 Beijing time.
    assert "2025-09-30 11:00" in page
    assert "剩余 1 小时 0 分（工作时间）" in page
    for part in ('id="hold"', 'id="resolve"', 'id="reclassify"', 'id="escalate"', "chat-panel"):
        assert part in page, part


def test_helpdesks_form_refuses_to_resolve_a_fault_without_its_root_cause(client, fault, operator):
    client.force_login(operator)
    url = reverse("helpdesk:update", args=[fault.pk])
    form = respond(fault, new_status=Ticket.RESOLVED_STATUS, comment="已处理")
    response = client.post(url, form, follow=True)
    assert Ticket.objects.get(pk=fault.pk).status == Ticket.OPEN_STATUS
    assert "故障原因和处理措施" in response.content.decode()
    assert LogKind.RESOLVED not in log_kinds(fault)

    client.post(url, {**form, "root_cause": "证照模板缓存损坏", "fix": "清理缓存并重新生成"})
    assert Ticket.objects.get(pk=fault.pk).status == Ticket.RESOLVED_STATUS
    cause = HandlingLogEntry.objects.get(ticket=fault, kind=LogKind.ROOT_CAUSE)
    assert cause.data == {"root_cause": "证照模板缓存损坏", "fix": "清理缓存并重新生成"}
    resolved = HandlingLogEntry.objects.get(ticket=fault, kind=LogKind.RESOLVED)
    assert resolved.data["root_cause_missing"] is False


def test_a_refused_resolve_comes_back_with_what_the_operator_typed(client, fault, operator):
    client.force_login(operator)
    url = reverse("helpdesk:update", args=[fault.pk])
    typed = "已清理证照模板缓存，请重新制作 <b>营业执照</b>"
    refused = client.post(url, respond(fault, new_status=Ticket.RESOLVED_STATUS, comment=typed))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "故障原因和处理措施" in page and "本次未保存任何内容" in page
    form = page[page.index('id="ticket-respond-form"') :]
    form = form[: form.index("</form>")]
    # The reply as typed (escaped), the chosen status still chosen.
    assert "已清理证照模板缓存，请重新制作 &lt;b&gt;营业执照&lt;/b&gt;</textarea>" in form
    resolved = f'value="{Ticket.RESOLVED_STATUS}"'
    assert "checked" in form[form.index(resolved) :].split("/>", 1)[0]
    assert Ticket.objects.get(pk=fault.pk).status == Ticket.OPEN_STATUS
    # Its links still lead to the ticket, not to the update URL it came back at.
    assert f'href="/helpdesk/tickets/{fault.pk}/?take"' in page

    # A root cause without a fix: both typed texts come back.
    refused = client.post(
        url,
        respond(fault, new_status=Ticket.RESOLVED_STATUS, comment=typed, root_cause="缓存损坏"),
    )
    page = refused.content.decode()
    assert refused.status_code == 400 and "故障和应急工单必须填写故障原因和处理措施" in page
    assert 'id="respond-root-cause-text">缓存损坏</textarea>' in page
    assert "请重新制作 &lt;b&gt;营业执照" in page
    assert not HandlingLogEntry.objects.filter(ticket=fault, kind=LogKind.ROOT_CAUSE).exists()


def test_the_sla_panels_refused_resolve_keeps_the_typed_cause(client, fault, operator):
    client.force_login(operator)
    refused = client.post(reverse("sla:resolve", args=[fault.pk]), {"root_cause": "证书过期"})
    assert refused.status_code == 400
    page = refused.content.decode()
    panel = page[page.index('id="resolve"') :].split("</form>", 1)[0]
    assert ">\n证书过期</textarea>" in panel or ">证书过期</textarea>" in panel
    assert "故障和应急工单必须填写故障原因和处理措施" in page
    assert Ticket.objects.get(pk=fault.pk).status == Ticket.OPEN_STATUS


def test_helpdesks_reply_form_asks_a_fault_for_its_root_cause(
    client, fault, now, reporter, operator
):
    client.force_login(operator)
    page = workbench(client, fault)
    form = page[page.index('id="ticket-respond-form"') :]
    form = form[: form.index("</form>")]
    assert 'id="respond-root-cause"' in form
    assert 'name="root_cause"' in form and 'name="fix"' in form
    assert "故障原因" in form and "处理措施" in form
    question = file_ticket(reporter, category=Category.CONSULTATION)
    assert 'id="respond-root-cause"' not in workbench(client, question)


def test_helpdesks_hold_asks_why_and_pauses_through_the_sla_service(client, fault, operator):
    client.force_login(operator)
    page = workbench(client, fault)
    assert 'id="hold-action"' in page and 'id="hold-dialog"' in page
    url = reverse("helpdesk:hold", args=[fault.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert refused.status_code == 400 and "请选择工单在等待什么" in refused.content.decode()
    assert not Ticket.objects.get(pk=fault.pk).on_hold
    client.post(url, {"waiting_for": "reporter", "note": "请提供营业执照编号"})
    assert Ticket.objects.get(pk=fault.pk).on_hold
    paused = HandlingLogEntry.objects.get(ticket=fault, kind=LogKind.PAUSED)
    assert "请提供营业执照编号" in paused.text
    clock = fault.sla_clocks.get(kind="resolution")
    assert clock.running_since is None and "请提供营业执照编号" in clock.paused_reason
    client.post(reverse("helpdesk:unhold", args=[fault.pk]), {"resumed_because": "reporter"})
    assert not Ticket.objects.get(pk=fault.pk).on_hold
    assert fault.sla_clocks.get(kind="resolution").running_since is not None


def test_helpdesks_resume_asks_why_and_the_log_shows_it(client, fault, operator):
    client.force_login(operator)
    client.post(reverse("helpdesk:hold", args=[fault.pk]), {"waiting_for": "reporter"})
    page = workbench(client, fault)
    assert 'id="resume-action"' in page and 'id="resume-dialog"' in page
    url = reverse("helpdesk:unhold", args=[fault.pk])
    assert "恢复原因" in client.get(url).content.decode()
    refused = client.post(url, {"note": "已收到"})
    assert refused.status_code == 400 and "请选择恢复计时的原因" in refused.content.decode()
    assert Ticket.objects.get(pk=fault.pk).on_hold
    assert LogKind.RESUMED not in log_kinds(fault)

    client.post(url, {"resumed_because": "reporter", "note": "已收到营业执照编号"})
    assert not Ticket.objects.get(pk=fault.pk).on_hold
    resumed = HandlingLogEntry.objects.get(ticket=fault, kind=LogKind.RESUMED)
    assert resumed.text == "报告人已答复：已收到营业执照编号" and resumed.actor == operator
    history = page_log(workbench(client, fault))
    assert "计时恢复" in history and "报告人已答复：已收到营业执照编号" in history


def page_log(page: str) -> str:
    return page[page.index('id="handling-log"') :].split("</ol>", 1)[0]


def test_a_consultation_resolves_in_helpdesks_form_without_a_root_cause(
    client, now, reporter, operator
):
    now.set("2025-09-30 09:00")
    question = file_ticket(reporter, category=Category.CONSULTATION)
    client.force_login(operator)
    client.post(
        reverse("helpdesk:update", args=[question.pk]),
        respond(question, new_status=Ticket.RESOLVED_STATUS, comment="已电话答复"),
    )
    assert Ticket.objects.get(pk=question.pk).status == Ticket.RESOLVED_STATUS


def test_category_and_priority_change_from_the_workbench_and_the_clocks_follow(
    client, fault, operator
):
    client.force_login(operator)
    url = reverse("helpdesk:reclassify", args=[fault.pk])
    assert client.post(url, {"category": "nonsense", "priority": 1}).status_code == 302
    assert TicketDetails.objects.get(ticket=fault).category == Category.FAULT
    client.post(url, {"category": Category.EMERGENCY, "priority": 1})
    assert TicketDetails.objects.get(ticket=fault).category == Category.EMERGENCY
    assert Ticket.objects.get(pk=fault.pk).priority == 1
    assert LogKind.CATEGORY_CHANGED in log_kinds(fault)
    assert fault.sla_clocks.get(kind="resolution").around_the_clock


def test_a_reporter_cannot_reclassify_or_escalate(client, fault, reporter):
    client.force_login(reporter)
    for name in ("helpdesk:reclassify", "helpdesk:escalate"):
        response = client.post(
            reverse(name, args=[fault.pk]), {"category": "support", "priority": 1, "reason": "x"}
        )
        assert response.status_code in (302, 403, 404)
    assert TicketDetails.objects.get(ticket=fault).category == Category.FAULT
    assert not Notification.objects.exists()


def test_escalating_tells_the_team_lead_and_logs_the_reason(client, fault, operator):
    client.force_login(operator)
    url = reverse("helpdesk:escalate", args=[fault.pk])
    response = client.post(url, {"reason": "需要厂商介入"}, follow=True)
    assert "尚未设置运维组长" in response.content.decode()
    assert LogKind.ESCALATED not in log_kinds(fault)

    lead = OperatorFactory(first_name="组长", last_name="李")
    TeamLead.objects.create(user=lead, subsystem=get_subsystem("e_license"))
    assert "李组长" in workbench(client, fault)
    client.post(url, {"reason": "需要厂商介入"})
    notice = Notification.objects.get(recipient=lead)
    assert "需要厂商介入" in notice.message
    entry = HandlingLogEntry.objects.get(ticket=fault, kind=LogKind.ESCALATED)
    assert entry.text == "需要厂商介入" and entry.actor == operator
    assert "李组长" in workbench(client, fault)


def test_the_assignee_choices_are_operators_and_team_leads_with_the_queue(fault, operator):
    elsewhere = OperatorFactory(subsystems=[get_subsystem("e_seal")])
    supervisor = UserFactory(role=Role.SUPERVISOR)
    lead_without_access = UserFactory(role=Role.SUPERVISOR)
    TeamLead.objects.create(user=lead_without_access)
    lead = OperatorFactory(subsystems=[get_subsystem("e_license")])
    TeamLead.objects.create(user=lead, subsystem=get_subsystem("e_license"))
    choices = set(assignable_users([fault.queue]))
    assert {operator, lead} <= choices
    assert not choices & {elsewhere, supervisor, lead_without_access, fault.details.reporter}
    assert elsewhere in assignable_users([get_subsystem("e_seal").queue])
