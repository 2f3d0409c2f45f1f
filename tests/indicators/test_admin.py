"""The Django admin: the tree editable, the log and signed findings not."""

import pytest
from django.urls import reverse

from helpdesk_site.regions.models import Region
from indicators import services
from indicators.models import Indicator
from tests.indicators.conftest import NOW, OCTOBER, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(is_superuser=True, is_staff=True, department=None, username="root")


def test_the_tree_log_and_findings_in_the_admin(client, tree, superuser, prefecture_supervisor):
    record = services.import_sheet(prefecture_supervisor, OCTOBER, upload(workbook(tree)), now=NOW)
    finding = services.draft_finding(
        prefecture_supervisor, Region.objects.get(code="513301"), OCTOBER,
        title="康定市问题", problem="p", approach="a", now=NOW,
    )  # fmt: skip
    services.sign_finding(prefecture_supervisor, finding, now=NOW)
    client.force_login(superuser)
    for name in ("indicator", "score", "importrecord", "finding"):
        assert client.get(reverse(f"admin:indicators_{name}_changelist")).status_code == 200
    leaf = Indicator.objects.get(year=2026, code="A1")
    other_year = Indicator.objects.create(year=2025, code="X", name="旧指标")
    response = client.post(
        reverse("admin:indicators_indicator_change", args=[leaf.pk]),
        {"year": 2026, "code": "A1", "name": "服务便捷度", "parent": other_year.pk,
         "weight": 40, "full_marks": 100, "order": 1},
    )  # fmt: skip
    assert response.status_code == 200 and "上级指标必须属于同一年度" in response.content.decode()
    change = client.get(reverse("admin:indicators_importrecord_change", args=[record.pk]))
    assert 'name="_save"' not in change.content.decode()
    signed = client.get(reverse("admin:indicators_finding_change", args=[finding.pk]))
    assert 'name="title"' not in signed.content.decode()
