import pytest
from django.urls import reverse

from tests.factories import OperatorFactory, UserFactory, supervisor

pytestmark = pytest.mark.django_db

WEEK = {"kind": "week", "date": "2025-11-12"}


def test_the_dashboard_shows_the_figures_with_links_to_their_tickets(client, week, now):
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    page = client.get(reverse("reporting:dashboard"), WEEK).content.decode()
    assert "2025年第46周" in page
    assert 'data-figure="filed">4<' in page
    assert 'data-figure="overdue">2<' in page
    assert "泸定县" in page and "康定市" in page
    link = reverse("reporting:tickets")
    drill = client.get(link, {**WEEK, "region": "", "figure": "overdue"})
    assert drill.status_code == 200
    assert "旧积压工单" in drill.content.decode() and "B 印章无法认领" in drill.content.decode()
    assert "A 证照" not in drill.content.decode()


def test_the_county_supervisor_dashboard_is_their_county_only(client, week, now):
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513301"))
    page = client.get(reverse("reporting:dashboard"), WEEK).content.decode()
    assert 'data-figure="filed">2<' in page and "泸定县" not in page
    # Choosing a county outside their subtree is a bad request, not someone else's data.
    response = client.get(reverse("reporting:dashboard"), {**WEEK, "region": "513322"})
    assert response.status_code == 400
    drill = client.get(reverse("reporting:tickets"), {**WEEK, "figure": "county", "key": "513322"})
    assert drill.status_code == 200 and "F 平台宕机" not in drill.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "week", "date": "not-a-date"},
        {"kind": "hour"},
        {"kind": "week", "subsystem": "nope"},
        {"kind": "week", "operator": "abc"},
    ],
)
def test_bad_filters_are_a_400(client, db, query):
    client.force_login(supervisor("513300"))
    assert client.get(reverse("reporting:dashboard"), query).status_code == 400


@pytest.mark.parametrize("query", [{"figure": "nope"}, {"figure": "rating", "key": "x"}])
def test_bad_drill_downs_are_a_400(client, db, query):
    client.force_login(supervisor("513300"))
    assert client.get(reverse("reporting:tickets"), {**WEEK, **query}).status_code == 400


def test_reporters_and_operators_have_no_dashboard(client, db):
    for user in (UserFactory(), OperatorFactory()):
        client.force_login(user)
        assert client.get(reverse("reporting:dashboard")).status_code == 403


def test_the_default_dashboard_is_this_month(client, db):
    client.force_login(supervisor("513300"))
    assert client.get(reverse("reporting:dashboard")).status_code == 200
