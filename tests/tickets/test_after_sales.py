"""售后服务 (after_sales): the contract's fifth part, filed against the ticket
it follows, with its own SLA policies and rows in the reports."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import services
from helpdesk_site.tickets.models import Category, Subsystem, TicketDetails
from sla.models import SlaClock, SlaPolicy
from tests.factories import OperatorFactory, UserFactory, file_ticket, get_subsystem, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    user = UserFactory(department__region=region("513301001", "炉城街道"))
    client.force_login(user)
    return user


def form(**overrides):
    return {
        "subsystem": Subsystem.objects.get(code="e_license").pk,
        "category": "after_sales",
        "priority": "3",
        "title": "修复后证照又无法下载",
        "description": "上周修好的问题今天又出现了。",
        "contact_phone": "0836-2812345",
        **overrides,
    }


def test_after_sales_is_the_fifth_part_and_suggestions_stay(clerk):
    values = list(Category.values)
    assert values.index("after_sales") == 4 and values[-1] == "suggestion"
    with translation.override("zh-hans"):
        assert str(Category.AFTER_SALES.label) == "售后服务"


def test_filing_after_sales_names_the_ticket_it_follows(client, clerk):
    earlier = file_ticket(clerk, title="电子证照下载失败")
    page = client.get(reverse("tickets:new")).content.decode()
    assert "售后服务" in page and f"#{earlier.pk} 电子证照下载失败" in page

    missing = client.post(reverse("tickets:new"), form())
    assert missing.status_code == 400
    assert "请选择本次售后服务所跟进的工单" in missing.content.decode()

    response = client.post(reverse("tickets:new"), form(follows=earlier.pk))
    assert response.status_code == 302
    details = TicketDetails.objects.get(category="after_sales")
    assert details.follows == earlier


def test_only_a_ticket_the_reporter_may_see_can_be_followed(client, clerk):
    stranger = UserFactory(department__region=region("513322"))
    theirs = file_ticket(stranger, title="泸定县的工单")
    response = client.post(reverse("tickets:new"), form(follows=theirs.pk))
    assert response.status_code == 400
    assert not TicketDetails.objects.filter(category="after_sales").exists()
    with pytest.raises(ValidationError):
        services.file_ticket(
            reporter=clerk,
            subsystem=get_subsystem("e_license"),
            category=Category.AFTER_SALES,
            priority=3,
            title="回访",
            description="回访",
            follows=theirs,
        )


def test_other_categories_follow_nothing(client, clerk):
    earlier = file_ticket(clerk)
    client.post(reverse("tickets:new"), form(category="fault", follows=earlier.pk))
    assert (
        TicketDetails.objects.get(category="fault", ticket__title="修复后证照又无法下载").follows
        is None
    )


def test_both_tickets_link_to_each_other(client, clerk):
    earlier = file_ticket(clerk, title="电子证照下载失败")
    later = file_ticket(
        clerk, category=Category.AFTER_SALES, follows=earlier, title="回访：证照下载"
    )
    later_page = client.get(reverse("tickets:detail", args=[later.pk])).content.decode()
    assert "跟进的工单" in later_page
    assert reverse("tickets:detail", args=[earlier.pk]) in later_page
    earlier_page = client.get(reverse("tickets:detail", args=[earlier.pk])).content.decode()
    assert reverse("tickets:detail", args=[later.pk]) in earlier_page
    operator = OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license"))
    client.force_login(operator)
    staff_page = client.get(reverse("helpdesk:view", args=[earlier.pk])).content.decode()
    assert reverse("helpdesk:view", args=[later.pk]) in staff_page and "售后服务" in staff_page


def test_after_sales_has_its_own_sla_policy_and_report_rows(clerk):
    policies = SlaPolicy.objects.filter(category="after_sales")
    assert policies.count() == 5
    assert policies.get(priority=1).name == "售后服务 P1"
    earlier = file_ticket(clerk)
    later = file_ticket(clerk, category=Category.AFTER_SALES, follows=earlier, priority=1)
    clock = SlaClock.objects.get(ticket=later, kind="resolution")
    assert clock.policy == policies.get(priority=1)
    assert clock.target_minutes == policies.get(priority=1).resolution_minutes


def test_reports_count_after_sales_tickets_in_their_own_row(client, clerk):
    earlier = file_ticket(clerk)
    file_ticket(clerk, category=Category.AFTER_SALES, follows=earlier, title="回访：证照下载")
    supervisor = UserFactory(role=Role.SUPERVISOR, supervised_region=region("513300"))
    client.force_login(supervisor)
    this_week = {"kind": "week", "date": timezone.localdate().isoformat()}
    figure = {"figure": "problem", "key": "e_license:after_sales"}
    page = client.get(reverse("reporting:tickets"), {**this_week, **figure})
    assert page.status_code == 200
    assert "回访：证照下载" in page.content.decode()
