"""Every indicator page in Chinese, and the 平台运行 menu entry for whom it serves."""

import pytest
from django.urls import reverse

from helpdesk_site.regions.models import Region
from indicators import services
from indicators.models import Indicator
from tests.english import visible_english
from tests.indicators.conftest import NOW, OCTOBER, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(tree, prefecture_supervisor):
    services.import_sheet(prefecture_supervisor, OCTOBER, upload(workbook(tree)), now=NOW)
    return services.draft_finding(
        prefecture_supervisor, Region.objects.get(code="513301"), OCTOBER,
        title="康定市好差评偏低", problem="p", approach="a", now=NOW,
    )  # fmt: skip


def test_every_page_is_chinese(client, october, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    leaf = Indicator.objects.get(year=2026, code="A1")
    for url in (
        reverse("indicators:index") + f"?period={OCTOBER.slug}",
        reverse("indicators:county", args=["513301"]) + f"?period={OCTOBER.slug}",
        reverse("indicators:enter", args=["513301"]) + f"?period={OCTOBER.slug}",
        reverse("indicators:tree") + "?year=2026",
        reverse("indicators:indicator_edit", args=[leaf.pk]),
        reverse("indicators:indicator_new", args=[2026]),
        reverse("indicators:import"),
        reverse("indicators:findings"),
        reverse("indicators:finding", args=[october.pk]),
        reverse("indicators:finding_new") + f"?region=513301&period={OCTOBER.slug}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        data = {"English", "A1", prefecture_supervisor.username}
        assert not visible_english(response.content.decode(), data), url


def test_the_menu_entry_is_for_supervisors_and_administrators(
    client, tree, prefecture_supervisor, kangding_supervisor, admin_user, operator, reporter
):
    link = f'href="{reverse("indicators:index")}"'
    for user, shown in (
        (prefecture_supervisor, True),
        (kangding_supervisor, True),
        (admin_user, True),
        (operator, False),
        (reporter, False),
    ):
        client.force_login(user)
        page = client.get(reverse("tickets:list")).content.decode()
        assert (link in page) is shown, user.role
