"""Periods, comparisons and weak spots a supervisor can trust: an unfinished
period says so, a future one is refused, an open incident has no duration,
every county is listed, and every weak spot's figures equal the tickets its
link lists."""

import datetime as dt
import re

import pytest
from django.core.management import execute_from_command_line
from django.urls import reverse
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.regions.models import Region
from reporting import selectors, weakspots
from reporting.periods import containing
from reporting.selectors import Filters
from sla.models import Incident
from tests.factories import supervisor
from tests.reporting.test_documents import cells, docx_of, text
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2025, 11, 12))
NOW = at("2025-11-20 12:00")


def test_a_future_period_is_refused_by_the_command_with_status_2(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(
            ["manage.py", "sla_report", "--period", "month", "--date", "2099-01-05",
             "--format", "docx", "--out", str(tmp_path / "x.docx")]
        )  # fmt: skip
    assert exit_.value.code == 2
    assert "尚未开始" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


def test_a_future_period_is_a_bad_request_in_the_ui(client, week, now):
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    for name in ("reporting:dashboard", "reporting:tickets"):
        response = client.get(
            reverse(name), {"kind": "month", "date": "2025-12-01", "figure": "filed"}
        )
        assert response.status_code == 400
    page = client.get(reverse("reporting:dashboard"), {"kind": "month", "date": "2025-12-01"})
    assert "该报告期尚未开始" in page.content.decode()
    generated = client.post(
        reverse("reporting:generate"), {"kind": "year", "date": "2026-01-01", "format": "docx"}
    )
    assert generated.status_code == 400


def test_the_running_week_says_up_to_when_and_compares_the_same_days(client, week, now):
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    page = client.get(reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-18"})
    html = page.content.decode()
    assert "（截至11月20日）" in html
    assert "与上期同期（2025-11-10至2025-11-13）比较" in html
    # The previous figure is Monday to Thursday of the week before, and so is its list.
    assert 'data-figure="previous-filed">3<' in html
    link = re.search(r'href="([^"]+)" data-figure="previous-filed"', html).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert "A 证照无法制作" in listed and "C 周日深夜" not in listed


def test_an_open_incident_is_in_progress_not_a_duration(week, client, now):
    Incident.objects.filter(ticket=week["F"]).update(ended_at=None)
    f = selectors.figures(Filters(period=WEEK, region=Region.objects.get(code="513300")), now=NOW)
    assert f.emergencies["items"][0].ongoing
    assert f.emergencies["items"][0].duration_minutes is None
    assert "进行中" in cells(docx_of())
    # An incident ended after the report's cutoff was still running then.
    Incident.objects.filter(ticket=week["F"]).update(ended_at=at("2025-11-25 10:00"))
    assert selectors.figures(f.filters, now=NOW).emergencies["items"][0].ongoing
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    page = client.get(reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"})
    html = page.content.decode()
    assert "进行中" in html and not re.search(r"-\d+\s*分钟", html)


def test_every_county_is_listed_and_one_without_tickets_is_not_told_all_is_well(week):
    counties = Region.objects.filter(level=Region.Level.COUNTY, code__startswith="5133")
    assert counties.count() == 18
    f = selectors.figures(Filters(period=WEEK, region=Region.objects.get(code="513300")), now=NOW)
    assert [c["code"] for c in f.counties] == sorted(c.code for c in counties)
    assert "513300" not in {c["code"] for c in f.counties}  # 州本级 is not a county
    quiet = counties.exclude(code__in=["513301", "513322"]).order_by("code").first()
    assert "本期无工单" in cells(docx_of())
    document = docx_of(quiet.code)
    assert "本期无工单。" in text(document)
    assert "本期各项指标正常" not in text(document)


def test_empty_tables_say_none_and_no_ratings_is_said_plainly(week):
    table = cells(docx_of("513322"))  # 泸定: no escalations, no ratings
    assert table[table.index("涉及工单") + 1] == "无"
    assert "无评价" in table
    body = text(docx_of("513322"))
    assert "满意率—" not in body and "本期无评价" in body


@pytest.fixture
def small_sample(monkeypatch):
    """The demo week has a handful of tickets: rank groups of one or more."""
    monkeypatch.setattr(weakspots, "MIN_SAMPLE", 1)


def test_each_weak_spot_equals_the_tickets_behind_it(week, small_sample, client, now):
    f = selectors.figures(Filters(period=WEEK, region=Region.objects.get(code="513300")), now=NOW)
    assert f.weakest, "B was late, so its county, department, subsystem and category are weak"
    for group in f.weakest:
        key = f"{group.dimension}:{group.key}"
        everything = selectors.tickets_behind(f.filters, "group", key, now=NOW)
        missed = selectors.tickets_behind(f.filters, "group_missed", key, now=NOW)
        assert group.resolved == everything.count(), key
        assert group.missed == missed.count() == 1, key
        assert list(missed) == [week["B"]]
    names = {(g.dimension, g.name) for g in f.weakest}
    assert ("county", "康定市") in names and ("county", "泸定县") not in names  # F met its target
    # The dashboard's card and its drill-down list agree.
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    html = client.get(
        reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"}
    ).content.decode()
    link = re.search(r'href="([^"]+)" data-figure="group_missed-county:513301">([^<]+)<', html)
    assert link.group(2) == "未按时1件"
    listed = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "B 印章无法认领" in listed and "A 证照无法制作" not in listed
    # And the Word report names it with its numbers and a link.
    body = text(docx_of())
    assert re.search(
        r"县（市）“康定市”：解决时限（[\d.]+小时目标）本期2件中1件达标（50.0%），未达标1件", body
    )
    # The cause is counted by stage, and the stages add up to the late ones.
    for group in f.weakest:
        causes = f.causes[f"{group.dimension}:{group.key}"]
        assert causes["response"] + causes["waited"] + causes["resolution"] == group.missed
    assert "工单清单：未达标1件，全部2件。" in body


def test_malformed_weak_spot_keys_are_refused(week):
    f = Filters(period=WEEK, region=Region.objects.get(code="513300"))
    for key in ("county:51", "department:x", "category:nothing", "planet:1", ""):
        with pytest.raises(ValueError):
            selectors.tickets_behind(f, "group", key, now=NOW)


def test_demo_data_is_never_dated_after_now(db):
    from helpdesk_site.tickets.seeding import seed_demo

    moment = at("2026-11-20 10:00")
    seed_demo(150, dt.date(2026, 11, 20), now=moment)
    assert not Ticket.objects.filter(created__gt=moment).exists()
    assert not FollowUp.objects.filter(date__gt=moment).exists()
    assert Ticket.objects.filter(created__date__gte=dt.date(2026, 11, 19)).exists()
