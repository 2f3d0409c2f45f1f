"""Every figure against answers counted by hand on a known week."""

import datetime as dt

import pytest

from helpdesk_site.regions.models import Region
from reporting import selectors
from reporting.periods import containing
from reporting.selectors import Filters
from tests.factories import supervisor
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2025, 11, 12))
NOW = at("2025-11-20 12:00")


def region(code):
    return Region.objects.get(code=code)


def figures_for(code="513300", user=None, **filters):
    return selectors.figures(Filters(period=WEEK, region=region(code), **filters), user, NOW)


def titles(tickets):
    return sorted(t.title[0] for t in tickets)


def test_prefecture_week_figures_equal_the_hand_counts(week):
    f = figures_for()
    assert f.volume["total"] == 4  # A, B, F and C (Sunday 23:30); not D, not E
    assert {d: n for d, n in f.volume["trend"].items() if n} == {
        dt.date(2025, 11, 10): 1,
        dt.date(2025, 11, 11): 1,
        dt.date(2025, 11, 12): 1,
        dt.date(2025, 11, 16): 1,
    }
    counties = {c["code"]: c for c in f.counties}
    assert (counties["513301"]["filed"], counties["513301"]["resolved"]) == (2, 2)
    assert counties["513301"]["compliance"] == 0.5
    assert (counties["513322"]["filed"], counties["513322"]["resolved"]) == (2, 1)
    assert counties["513322"]["compliance"] == 1.0
    # First responses of 30, 60 and 10 minutes; resolutions of 240, 1560 and 120.
    assert (f.response["n"], f.response["met"], f.response["p50"]) == (3, 3, 30)
    assert f.response["p90"] == pytest.approx(54)
    assert (f.resolution["n"], f.resolution["met"], f.resolution["p50"]) == (3, 2, 240)
    assert f.breaches == {"response": 0, "resolution": 1}
    assert f.backlog["total"] == 2  # C and E open at the week's end
    assert f.backlog["ages"] == {"0-1": 1, "1-3": 0, "3-7": 0, "7-30": 1, "30-": 0}
    assert f.overdue["total"] == 2  # B (resolved late) and E (still open past due)
    assert titles(c.ticket for c in f.overdue["items"]) == ["B", "旧"]
    assert f.emergencies["total"] == 1
    assert f.emergencies["items"][0].duration_minutes == 120
    assert f.satisfaction["distribution"] == {5: 1, 4: 0, 3: 0, 2: 0, 1: 1}
    assert (f.satisfaction["bad"], f.satisfaction["satisfied_rate"]) == (1, 0.5)
    assert f.satisfaction["follow_ups"] == {"opened": 1, "rectified": 0, "open": 1, "overdue": 0}
    # No knowledge-base clusters yet: recurring problems by subsystem and category.
    assert f.problem_source == "subsystems"
    problems = [(p["figure"], p["key"], p["n"]) for p in f.problems]
    assert problems == [("problem", "e_license:fault", 3), ("problem", "e_seal:emergency", 1)]
    [operator] = f.operators
    assert (operator["resolved"], operator["compliance"], operator["p50"]) == (3, 2 / 3, 240)
    assert f.previous["filed"] == 1  # E
    assert f.headline["compliance"] == pytest.approx(2 / 3)


def test_the_handling_log_summary_counts_the_weeks_events(week):
    log = figures_for().handling_log["counts"]
    assert log["filed"] == 4 and log["first_response"] == 3 and log["resolved"] == 3


def test_each_figure_links_to_exactly_the_tickets_it_counts(week):
    f = figures_for()
    filters = f.filters

    def behind(figure, key=""):
        return titles(selectors.tickets_behind(filters, figure, key, now=NOW))

    assert len(behind("filed")) == f.volume["total"]
    assert behind("day", "2025-11-16") == ["C"]
    assert behind("county", "513322") == ["C", "F"]
    assert behind("problem", "e_license:fault") == ["A", "B", "C"]
    assert behind("resolved") == ["A", "B", "F"]
    assert behind("breached") == ["B"]
    assert behind("backlog") == ["C", "旧"]
    assert behind("overdue") == ["B", "旧"]
    assert behind("emergency") == ["F"]
    assert behind("rating", "1") == ["B"]
    assert behind("follow_up_open") == ["B"]
    assert behind("operator", str(week["operator"].pk)) == ["A", "B", "F"]
    for figure, key in (("county", "51"), ("rating", "7"), ("problem", "x:y"), ("nope", "")):
        with pytest.raises(ValueError):
            selectors.tickets_behind(filters, figure, key, now=NOW)


def test_a_county_supervisor_sees_only_their_county(week):
    kangding = supervisor("513301")
    f = figures_for("513301", user=kangding)
    assert f.volume["total"] == 2
    assert [c["code"] for c in f.counties] == ["513301"]
    # Asked for a region outside their subtree, they get nothing from it.
    assert figures_for("513300", user=kangding).volume["total"] == 0
    assert figures_for("513322", user=kangding).volume["total"] == 0
    assert figures_for("513322", user=supervisor("513300")).volume["total"] == 2


def test_filters_narrow_every_figure(week):
    f = figures_for(subsystem="e_seal")
    assert (f.volume["total"], f.resolution["n"], f.backlog["total"]) == (1, 1, 0)
    f = figures_for(operator_id=week["operator"].pk)
    assert (f.volume["total"], f.resolution["n"]) == (3, 3)
    f = figures_for(category="consultation")
    assert (f.volume["total"], f.satisfaction["total"]) == (0, 0)


def test_the_week_after_counts_d_and_sees_the_backlog_move(week):
    f = selectors.figures(
        Filters(period=WEEK.previous().previous(), region=region("513300")), now=NOW
    )
    assert f.volume["total"] == 0
    after = selectors.figures(
        Filters(period=containing("week", dt.date(2025, 11, 17)), region=region("513300")),
        now=NOW,
    )
    assert after.volume["total"] == 1  # D
    # That week is not over on Thursday 11-20: it is compared with Monday to
    # Thursday of the week before (A, B and F, not C filed on the Sunday).
    assert after.filters.period.title.endswith("（截至11月20日）")
    assert (after.comparable.start, after.comparable.until) == (
        dt.date(2025, 11, 10),
        dt.date(2025, 11, 14),
    )
    assert after.previous["filed"] == 3
