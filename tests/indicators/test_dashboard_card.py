"""The indicator analysis on the supervisors' dashboard: the weakest
counties of the latest figures and the findings awaiting sign-off, each as
the page it links to shows them, within the reader's region."""

import re

import pytest

from helpdesk_site.regions.models import Region
from indicators import services
from indicators.models import Finding
from tests.english import visible_english
from tests.indicators.conftest import NOW, OCTOBER, figures_for, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(tree, prefecture_supervisor):
    """泸定 weak on 办理成熟度, 理塘 a little below on one leaf, the rest at 80;
    a draft finding about 泸定 and a signed one about 理塘."""
    services.import_sheet(
        prefecture_supervisor,
        OCTOBER,
        upload(
            workbook(
                tree,
                figures_for(tree, 80, **{"513322": {"B1": 40, "B2": 45}, "513334": {"A1": 70}}),
            )
        ),
        now=NOW,
    )
    for code, title in (("513322", "泸定办理成熟度偏低"), ("513334", "理塘服务便捷度")):
        services.draft_finding(
            prefecture_supervisor,
            Region.objects.get(code=code),
            OCTOBER,
            title=title,
            problem="办件超期较多。",
            approach="每周通报。",
        )
    services.sign_finding(prefecture_supervisor, Finding.objects.get(region_id="513334"))


def card(client, user):
    client.force_login(user)
    page = client.get("/reports/", {"kind": "month", "date": "2026-10-01"}).content.decode()
    found = re.search(r"<div[^>]*data-indicators-card.*?</div></div>", page, re.S)
    return found.group(0) if found else ""


def test_the_card_names_the_weakest_and_the_drafts_as_their_pages_do(
    client, october, prefecture_supervisor
):
    html = card(client, prefecture_supervisor)
    assert "2026年10月" in html
    weak = re.findall(r'data-county="(\d+)"', html)
    assert weak == ["513322", "513334"]  # last first; the counties at 80 are not weak
    assert "泸定县（第18名" in html
    overview = client.get("/indicators/", {"period": OCTOBER.slug}).content.decode()
    assert re.search(r'data-county="513322">\s*<td>18</td>', overview)
    drafts = re.search(r'<a href="([^"]+)">待审定问题(\d+)条</a>', html)
    listed = client.get(drafts.group(1).replace("&amp;", "&")).content.decode()
    assert listed.count('class="border-bottom py-2"') == int(drafts.group(2))
    assert "泸定办理成熟度偏低" in listed
    assert not visible_english(html)


def test_a_county_supervisor_sees_their_county_only(
    client, october, luding_supervisor, kangding_supervisor
):
    html = card(client, luding_supervisor)
    assert re.findall(r'data-county="(\d+)"', html) == ["513322"]
    assert "待审定问题1条" in html
    assert card(client, kangding_supervisor) == ""  # at the mean, nothing to sign: no card


def test_the_findings_list_refuses_a_bad_filter(client, october, luding_supervisor):
    client.force_login(luding_supervisor)
    assert client.get("/indicators/findings/", {"status": "lost"}).status_code == 400
    assert client.get("/indicators/findings/", {"region": "513334"}).status_code == 400
