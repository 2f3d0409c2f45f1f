"""The demo: a living prefecture on first start, and nothing doubled on the next."""

import pytest

from helpdesk_site.people.models import Role
from indicators import analysis, demo, periods, selectors
from indicators.models import Finding, ImportRecord, Score
from tests.factories import UserFactory, supervisor
from tests.indicators.conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_demo_has_twelve_months_two_weak_counties_and_two_findings(tree):
    accounts = {
        "gz_supervisor": supervisor("513300", username="gz"),
        "kd_supervisor": supervisor("513301", username="kd"),
        "admin": UserFactory(role=Role.ADMIN, department=None),
    }
    demo.seed(accounts, NOW)
    demo.seed(accounts, NOW)
    assert ImportRecord.objects.count() == 12
    assert Score.objects.values("period_start").distinct().count() == 12
    last = periods.parse("month-2026-10")
    standing = selectors.standing(last)
    assert {r.code for r in standing.rows[-2:]} == {"513322", "513332"}
    assert standing.row("513322").ranks["B"] == 18
    assert standing.row("513332").ranks["A"] == 18
    assert standing.falls(limit=1)[0].code in {"513322", "513332"}
    findings = list(Finding.objects.order_by("pk"))
    assert [(f.region_id, f.signed) for f in findings] == [("513322", True), ("513301", False)]
    assert analysis.TOTAL in standing.row("513301").scores
