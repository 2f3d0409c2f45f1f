"""Key work on the supervisors' dashboard (overdue, missed milestones, due
soon, each equal to the board's list it links to, within the reader's
region) and a milestone's title, deadline and owner changed afterwards."""

import re

import pytest
from django.urls import reverse

from helpdesk_site.notices.models import Notice
from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from keywork import services
from keywork.models import Action, Status
from tests.english import visible_english
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(now, make_item, luding_centre, prefecture_supervisor):
    """康定: one late (two milestones missed), one due in five days, one
    calm; 泸定: one late."""
    now.set("2026-11-20 10:00")
    late = make_item(milestones=[("试点", "2026-11-10"), ("试运行", "2026-11-13")])
    soon = make_item(title="电子印章应用", kind="e_seal", due="2026-11-25")
    make_item(title="编目更新", kind="online", milestones=[("全面推开", "2026-12-20")])
    make_item(
        title="跨省通办扩面",
        kind="cross_region",
        region="513322",
        department=luding_centre,
        user=prefecture_supervisor,
        milestones=[("确定清单", "2026-11-16")],
    )
    return late, soon


def card(client, user):
    client.force_login(user)
    page = client.get("/reports/", {"kind": "month", "date": "2026-11-01"}).content.decode()
    found = re.search(r"<div[^>]*data-keywork-card.*?</div></div>", page, re.S)
    assert found, "the key-work card is on the dashboard"
    return found.group(0)


def listed(client, href):
    page = client.get(href.replace("&amp;", "&")).content.decode()
    return set(re.findall(r'data-item="(\d+)"', page))


def test_the_card_counts_what_the_board_lists(client, items, prefecture_supervisor):
    _late, soon = items
    html = card(client, prefecture_supervisor)
    assert "逾期事项2项" in html and "其中逾期节点3个" in html and "7日内到期1项" in html
    overdue = re.search(r'href="([^"]+)" data-keywork-overdue', html).group(1)
    assert len(listed(client, overdue)) == 2
    due = re.search(r'href="([^"]+)" data-keywork-due-soon', html).group(1)
    assert listed(client, due) == {str(soon.pk)}
    assert not visible_english(html)


def test_a_county_supervisor_reads_only_their_county(client, items, kangding_supervisor):
    late, _soon = items
    html = card(client, kangding_supervisor)
    assert "逾期事项1项" in html and "其中逾期节点2个" in html
    overdue = re.search(r'href="([^"]+)" data-keywork-overdue', html).group(1)
    assert listed(client, overdue) == {str(late.pk)}


# --- Editing a milestone ---------------------------------------------------------


def edit_url(item, milestone):
    return reverse("keywork:edit_milestone", args=[item.pk, milestone.pk])


def test_moving_a_missed_deadline_is_recorded_and_puts_the_item_back_on_schedule(
    client, now, items, kangding_supervisor, kangding_centre
):
    late, _soon = items
    services.escalate_late()
    late.refresh_from_db()
    assert late.status == Status.LATE
    first, second = late.milestones.order_by("deadline")
    client.force_login(kangding_supervisor)
    form = client.get(edit_url(late, first)).content.decode()
    assert 'type="date" name="deadline" value="2026-11-10"' in form  # a date input reads ISO
    bureau = DepartmentFactory(name="康定市数据局", region=Region.objects.get(code="513301"))
    for milestone, title in ((first, "试点（扩大）"), (second, "试运行")):
        response = client.post(
            edit_url(late, milestone),
            {"title": title, "deadline": "2026-11-30", "owner": bureau.pk},
        )
        assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == Status.IN_PROGRESS  # nothing is missed any more
    first.refresh_from_db()
    assert (first.title, str(first.deadline), first.owner) == ("试点（扩大）", "2026-11-30", bureau)
    assert first.escalated_at is None  # the new deadline is escalated afresh if missed
    record = late.events.filter(action=Action.EDIT_MILESTONE, milestone=first).get()
    assert "2026-11-10 → 2026-11-30" in record.note and "试点 → 试点（扩大）" in record.note
    assert record.actor == kangding_supervisor
    page = client.get(reverse("keywork:detail", args=[late.pk])).content.decode()
    assert "修改节点" in page and "康定市数据局" in page


def test_bad_input_keeps_the_form_and_scope_is_enforced(
    client, items, kangding_supervisor, luding_supervisor, clerk, luding_centre
):
    late, _soon = items
    milestone = late.milestones.first()
    client.force_login(kangding_supervisor)
    response = client.post(edit_url(late, milestone), {"title": "  ", "deadline": "2026-12-05"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="2026-12-05"' in page and "data-error" in page
    assert not visible_english(page)
    # Another county's department cannot own it.
    response = client.post(
        edit_url(late, milestone),
        {"title": "试点", "deadline": "2026-12-05", "owner": luding_centre.pk},
    )
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert str(milestone.deadline) == "2026-11-10"
    client.force_login(luding_supervisor)
    assert client.get(edit_url(late, milestone)).status_code == 404
    client.force_login(clerk)  # reports progress, but does not change the plan
    assert (
        client.post(edit_url(late, milestone), {"title": "x", "deadline": "2026-12-05"}).status_code
        == 403
    )


def test_the_milestone_owner_is_reminded(now, make_item, kangding_supervisor):
    bureau = DepartmentFactory(name="康定市数据局", region=Region.objects.get(code="513301"))
    staff = UserFactory(role=Role.REPORTER, department=bureau, email="bureau@example.cn")
    now.set("2026-11-20 10:00")
    item = make_item(milestones=[("数据对接", "2026-12-20")])
    milestone = item.milestones.get()
    services.edit_milestone(
        item,
        milestone,
        kangding_supervisor,
        title="数据对接",
        deadline=milestone.deadline,
        owner=bureau,
    )
    now.set("2026-12-16 09:00")  # three working days before
    services.send_reminders()
    assert Notice.objects.filter(recipient=staff, message__contains="数据对接").count() == 1
