"""The dashboard's inline SVG charts: geometry, links and escaping."""

import pytest
from django.urls import reverse

from helpdesk_site.regions.models import Region
from reporting import svgcharts
from reporting.svgcharts import Point
from tests.factories import supervisor


def test_columns_scale_to_the_tallest_bar():
    chart = svgcharts.columns([Point("1日", 2, "a"), Point("2日", 4, "b"), Point("3日", 0, "c")])
    heights = [b["h"] for b in chart["bars"]]
    assert heights == [80.0, 160.0, 0.0]
    assert [b["y"] + b["h"] for b in chart["bars"]] == [160.0] * 3  # all stand on the axis
    assert chart["bars"][1]["x"] > chart["bars"][0]["x"]


def test_rows_scale_to_the_longest_bar_and_survive_no_data():
    chart = svgcharts.rows([Point("康定市", 10, "513301"), Point("泸定县", 5, "513322")])
    assert chart["bars"][0]["w"] == 2 * chart["bars"][1]["w"]
    assert svgcharts.rows([])["bars"] == [] and svgcharts.columns([])["peak"] == 1


@pytest.mark.django_db
def test_the_dashboard_charts_link_each_bar_and_escape_labels(client, week, now):
    Region.objects.filter(code="513322").update(name="泸定县<script>x</script>")
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    html = client.get(reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"})
    html = html.content.decode()
    assert html.count('<svg class="report-chart') == 3
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "figure=county&amp;key=513322" in html
    assert "figure=day&amp;key=2025-11-16" in html
    assert "figure=rating&amp;key=1" in html
    assert "<title>泸定县&lt;script&gt;x&lt;/script&gt;: 2</title>" in html
