"""The demo shows four plans with four weeks of history: missed runs, a
late one, the 超期件 per county, and two abnormal answers of one item
that share one open ticket; the past sends no notices."""

import datetime as dt

import pytest
from helpdesk.models import Ticket

from helpdesk_site.notices.models import Kind, Notice
from helpdesk_site.people.models import Department
from inspections import demo
from inspections.models import Answer, CountyCount, Plan, Run, RunStatus
from tests.factories import OperatorFactory, file_ticket, region

pytestmark = pytest.mark.django_db


def test_demo_is_a_living_history_without_news(now, prefecture_supervisor, reporter):
    Department.objects.create(name=demo.OFFICE, region=region("513300"))
    now.set("2026-11-30 10:00")
    ticket = file_ticket(reporter, "e_license", title="电子证照签章服务不可用")
    accounts = {
        "operator": OperatorFactory(username="operator", last_name="王", first_name="运维"),
        "gz_supervisor": prefecture_supervisor,
    }
    now.set("2026-12-03 16:00")  # a Thursday
    demo.seed(accounts, now.now)
    demo.seed(accounts, now.now)
    assert Plan.objects.count() == 4
    assert Run.objects.filter(status=RunStatus.MISSED).count() == demo.MISSED
    assert Run.objects.filter(status=RunStatus.DONE, late=True).exists()
    today = dt.date(2026, 12, 3)
    to_do = Run.objects.filter(status=RunStatus.PENDING)
    assert to_do.exists() and set(to_do.values_list("due_on", flat=True)) == {today}
    assert not Run.objects.filter(due_on__gt=dt.date(2026, 12, 3)).exists()
    assert not Run.objects.filter(done_at__gt=now.now).exists()
    assert CountyCount.objects.values("county").distinct().count() == 18
    findings = Answer.objects.filter(abnormal=True)
    assert findings.count() == 2
    # Both join the department's open ticket; the demo files none itself.
    assert Ticket.objects.count() == 1
    assert {a.ticket_id for a in findings} == {ticket.pk}
    assert not Notice.objects.filter(kind=Kind.INSPECTION).exists()
