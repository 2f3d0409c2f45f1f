"""What an operator reads and chooses on django-helpdesk's pages: people by
their Chinese names, history lines in Chinese, a 处理人 list of the queue's
operators only, 我的工单, and the filer named in the ticket list."""

import base64
import json

import pytest
from django.urls import reverse
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.helpdesk_templates import UNTRANSLATED
from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem
from tests.factories import OperatorFactory, UserFactory, file_ticket, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    reporter = UserFactory(
        department__region=region("513301001", "炉城街道"), last_name="泽仁", first_name="卓玛"
    )
    licences = Subsystem.objects.filter(code="e_license")
    operator = OperatorFactory(subsystems=licences, last_name="王", first_name="运维")
    colleague = OperatorFactory(subsystems=licences, last_name="李", first_name="工程师")
    elsewhere = OperatorFactory(
        subsystems=Subsystem.objects.filter(code="e_seal"), last_name="赵", first_name="印章"
    )
    supervisor = UserFactory(role=Role.SUPERVISOR, supervised_region=region("513301"))
    ticket = file_ticket(reporter, title="电子证照下载失败")
    return {
        "reporter": reporter,
        "operator": operator,
        "colleague": colleague,
        "elsewhere": elsewhere,
        "supervisor": supervisor,
        "ticket": ticket,
    }


def update(client, ticket, **fields):
    """A post of helpdesk's respond form, as its page sends it."""
    form = {
        "title": ticket.title,
        "queue": ticket.queue_id,
        "body": ticket.description,
        "priority": 3,
        "comment": "",
        "new_status": ticket.status,
        **fields,
    }
    return client.post(reverse("helpdesk:update", args=[ticket.pk]), form)


def test_chinese_names_read_family_name_first_as_one_name(desk):
    operator = desk["operator"]
    assert operator.get_full_name() == "王运维"
    assert str(operator) == "王运维"
    assert str(UserFactory(last_name="", first_name="", username="zhang3")) == "zhang3"


def test_history_reads_in_chinese_with_names(client, desk):
    ticket, operator = desk["ticket"], desk["operator"]
    client.force_login(operator)
    update(client, ticket, owner=operator.pk, comment="已接单", new_status=Ticket.OPEN_STATUS)
    update(
        client,
        ticket,
        comment="已修复证照模板",
        new_status=Ticket.RESOLVED_STATUS,
        public=True,
        root_cause="证照模板损坏",
        fix="已修复证照模板",
    )
    page = client.get(reverse("helpdesk:view", args=[ticket.pk])).content.decode()
    assert "将处理人由 未分配 改为 王运维。" in page
    assert "Changed" not in page and " and " not in page
    titles = list(FollowUp.objects.filter(ticket=ticket).values_list("title", flat=True))
    assert "分配给 王运维" in titles[1]
    assert titles[-1] == "已解决"


def test_history_stored_before_the_chinese_change_reads_in_chinese(client, desk):
    ticket, operator = desk["ticket"], desk["operator"]
    # As helpdesk stored them: English, or its own Chinese words, and user names.
    assigned = FollowUp.objects.create(
        ticket=ticket, title=f"Assigned to {operator.username}", public=True
    )
    assigned.ticketchange_set.create(field="Owner", old_value="None", new_value=operator.username)
    held = FollowUp.objects.create(ticket=ticket, title="Ticket placed on hold", public=True)
    held.ticketchange_set.create(field="On Hold", old_value="False", new_value="True")
    moved = FollowUp.objects.create(ticket=ticket, title=f"{ticket.title} and Resolved")
    moved.ticketchange_set.create(
        field="所有者", old_value=operator.username, new_value="Unassigned"
    )
    moved.ticketchange_set.create(field="Status", old_value="Open", new_value="Resolved")
    client.force_login(operator)
    page = client.get(reverse("helpdesk:view", args=[ticket.pk])).content.decode()
    for line in (
        "将处理人由 未分配 改为 王运维。",
        "分配给 王运维",
        "将处理人由 王运维 改为 未分配。",
        "将状态由 打开 改为 已解决。",
    ):
        assert line in page, line
    for english in ("Changed", "Assigned to", "Owner", "所有者", "placed on hold", " and "):
        assert english not in page, english
    assert FollowUp.objects.get(pk=assigned.pk).title == f"Assigned to {operator.username}"


def test_the_assignee_list_offers_the_queues_operators_only(client, desk):
    client.force_login(desk["operator"])
    page = client.get(reverse("helpdesk:view", args=[desk["ticket"].pk])).content.decode()
    owner_list = page[page.index('name="owner"') :]
    owner_list = owner_list[: owner_list.index("</select>")]
    assert "王运维" in owner_list and "李工程师" in owner_list
    for outsider in ("泽仁卓玛", "赵印章", str(desk["supervisor"])):
        assert outsider not in owner_list


def test_an_assignee_outside_the_queue_is_refused(client, desk):
    ticket = desk["ticket"]
    client.force_login(desk["operator"])
    for outsider in (desk["reporter"], desk["elsewhere"], desk["supervisor"]):
        response = update(client, ticket, owner=outsider.pk, comment="")
        assert response.status_code == 400
        assert "不能担任处理人" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assigned_to is None
    assert update(client, ticket, owner=desk["colleague"].pk).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assigned_to == desk["colleague"]


def test_bulk_assignment_outside_the_queue_is_refused(client, desk):
    ticket = desk["ticket"]
    client.force_login(desk["operator"])
    listing = client.get(reverse("helpdesk:list")).content.decode()
    assert f'<option value="{desk["colleague"].pk}">' in listing
    assert f'<option value="{desk["elsewhere"].pk}">' not in listing
    action = f"assign_{desk['elsewhere'].pk}"
    refused = client.post(
        reverse("helpdesk:mass_update"), {"ticket_id": [ticket.pk], "action": action}
    )
    assert refused.status_code == 400 and "不能担任处理人" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.assigned_to is None
    client.post(reverse("helpdesk:mass_update"), {"ticket_id": [ticket.pk], "action": "take"})
    ticket.refresh_from_db()
    assert ticket.assigned_to == desk["operator"]


def test_my_tickets_are_the_ones_assigned_to_me(client, desk):
    operator, ticket = desk["operator"], desk["ticket"]
    client.force_login(operator)
    update(client, ticket, owner=operator.pk)
    dashboard = client.get(reverse("helpdesk:dashboard")).content.decode()
    mine = f"{reverse('helpdesk:list')}?show=mine"
    assert mine in dashboard and "我的工单" in dashboard
    listing = client.get(mine).content.decode()
    assert f'<tr data-ticket="{ticket.pk}">' in listing


def test_the_ticket_list_names_the_filer_and_nobody_in_chinese(client, desk):
    client.force_login(desk["operator"])
    query = base64.b64encode(json.dumps({"filtering": {}, "sorting": "created"}).encode())
    rows = client.get(f"/helpdesk/datatables_ticket_list/{query.decode()}").json()["data"]
    assert [(row["submitter"], row["assigned_to"]) for row in rows] == [("泽仁卓玛", "未分配")]


def test_every_helpdesk_template_the_site_translates_still_loads():
    from django.template.loader import get_template

    for name in UNTRANSLATED:
        get_template(name)
