"""The dashboard's cards, county tiles and drill-down titles."""

import html
import re

import pytest
from django.urls import reverse

from sla.models import ClockKind, SlaClock
from tests.factories import supervisor
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = {"kind": "week", "date": "2025-11-12"}
COUNT_LINK = re.compile(r'<a [^>]*href="([^"]+)" data-figure="([^"]+)">(\d+)</a>')


@pytest.fixture
def late_twice(week):
    """B was late on its response too: two breaches, one ticket."""
    SlaClock.objects.filter(ticket=week["B"], kind=ClockKind.RESPONSE).update(
        breached_at=at("2025-11-11 10:30")
    )
    return week


def dashboard(client, code="513300"):
    client.force_login(supervisor(code))
    return client.get(reverse("reporting:dashboard"), WEEK).content.decode()


def test_every_counted_figure_equals_its_drill_down(client, late_twice, now):
    now.set("2025-11-20 12:00")
    page = dashboard(client)
    links = COUNT_LINK.findall(page)
    names = {name for _href, name, _n in links}
    assert {"filed", "resolved", "breached", "backlog", "overdue", "overdue_open"} <= names
    for href, name, shown in links:
        drill = client.get(html.unescape(href))
        assert drill.status_code == 200, name
        assert drill.context["page"].paginator.count == int(shown), name


def test_the_breach_card_counts_tickets_and_says_how_many_breaches(client, late_twice, now):
    now.set("2025-11-20 12:00")
    page = dashboard(client)
    assert 'data-figure="breached">1<' in page
    assert "超时2次：首次响应1次，解决1次" in page


def test_overdue_and_backlog_are_explained_and_linked(client, week, now):
    now.set("2025-11-20 12:00")
    page = dashboard(client)
    # Overdue: B (resolved late) and E (open); backlog: C and E, E being overdue.
    assert 'data-figure="overdue">2<' in page and 'data-figure="backlog">2<' in page
    assert "其中超期" in page and 'data-figure="overdue_open">1<' in page
    assert "含本期已解决的" in page


def test_rates_show_one_decimal_and_compare_with_the_previous_period(client, week, now):
    now.set("2025-11-20 12:00")
    page = dashboard(client)
    assert 'data-figure="compliance">66.7%<' in page
    assert "3件解决中2件按时" in page
    assert 'data-change="filed"' in page


def test_the_prefecture_shows_its_eighteen_counties_as_coloured_tiles(client, week, now):
    now.set("2025-11-20 12:00")
    page = dashboard(client)
    found = re.findall(r'tile-band-(\d)" href="[^"]+" data-tile="(\d{6})"', page)
    tiles = {code: band for band, code in found}
    assert len(tiles) == 18
    assert tiles["513301"] == "3"  # 康定: 1 of 2 on time, under 80 %
    assert tiles["513322"] == "0"  # 泸定: F on time
    assert tiles["513332"] == "4"  # 石渠: nothing resolved
    assert "本期无解决工单" in page and "≥95%" in page  # the legend


def test_a_county_supervisor_gets_no_tile_grid(client, week, now):
    now.set("2025-11-20 12:00")
    assert "data-tile=" not in dashboard(client, "513301")


@pytest.mark.parametrize(
    ("figure", "key", "title"),
    [
        ("met", "county:513301", "按时解决 · 康定市"),
        ("breached", "", "超时工单"),
        ("group_missed", "county:513301", "超时解决工单 · 县（市）“康定市”"),
        ("backlog_age", "7-30", "积压（按已用时长） · 7–30天"),
        ("overdue_open", "", "超期且期末未解决"),
    ],
)
def test_drill_down_titles_are_words_not_keys(client, week, now, figure, key, title):
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    page = client.get(reverse("reporting:tickets"), {**WEEK, "figure": figure, "key": key})
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page.content.decode(), re.S).group(1)
    assert html.unescape(heading).startswith(title)
    assert figure not in heading
