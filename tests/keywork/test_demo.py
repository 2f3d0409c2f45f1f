"""The demo shows a living prefecture's key work: a dozen items across
counties and kinds, one late, two material submissions, and no news about
the past for the first sweep to send."""

import datetime as dt

import pytest

from helpdesk_site.notices.models import Notice
from helpdesk_site.tickets.seeding import ensure_accounts, ensure_departments
from keywork import demo, selectors, services
from keywork.models import Item, Kind, Status, Update

pytestmark = pytest.mark.django_db


def test_the_demo_is_alive_true_and_quiet():
    accounts = ensure_accounts(ensure_departments())
    now = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
    demo.seed(accounts, now)
    demo.seed(accounts, now)
    assert Item.objects.count() == 12
    assert len({i.region_id for i in Item.objects.all()}) >= 8
    assert len(set(Item.objects.values_list("kind", flat=True))) == len(Kind.values) - 1
    assert Item.objects.filter(status=Status.LATE).count() == 1
    submissions = Item.objects.filter(kind=Kind.SUBMISSION)
    assert sorted(submissions.values_list("status", flat=True)) == ["done", "not_started"]
    assert Update.objects.filter(attachments__isnull=False).exists()
    assert not Update.objects.filter(at__gt=now).exists()
    assert not Item.objects.filter(milestones__done_at__gt=now).exists()
    late = selectors.late_ids(Item.objects.all(), now.date())
    assert len(late) == 1
    assert not Notice.objects.exists()
    assert services.escalate_late(now + dt.timedelta(minutes=5)) == 0
