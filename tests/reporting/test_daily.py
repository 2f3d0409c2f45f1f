"""The arithmetic of the daily roll-up (reporting.daily), directly."""

import datetime as dt

from reporting import daily

D = dt.date


def test_days_become_runs_of_consecutive_days():
    days = [D(2025, 1, 3), D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 7), D(2025, 1, 2)]
    assert daily.ranges(days) == [(D(2025, 1, 1), D(2025, 1, 4)), (D(2025, 1, 7), D(2025, 1, 8))]


def test_a_period_reads_kept_days_before_today_and_the_rest_live():
    counted = {D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 4), D(2025, 1, 6)}
    kept, live = daily.split(D(2025, 1, 1), D(2025, 1, 8), counted, today=D(2025, 1, 6))
    assert kept == [D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 4)]
    # 6 January is today: counted live even though a count is kept.
    assert live == [(D(2025, 1, 3), D(2025, 1, 4)), (D(2025, 1, 5), D(2025, 1, 8))]


def test_a_ticket_counts_in_each_of_its_groups_and_missing_details_in_none():
    breakdown = daily.Breakdown()
    breakdown.add_tickets(("513301", 7, 3, "fault"), filed=2, bucket=D(2025, 1, 1))
    breakdown.add_tickets(("513301", None, None, ""), filed=1, resolved=1, met=1)
    assert breakdown.trend == {D(2025, 1, 1): 2}
    assert breakdown.groups["county"]["513301"] == daily.Tally(3, 1, 1)
    assert breakdown.groups["department"] == {"7": daily.Tally(2, 0, 0)}
    assert breakdown.groups["problem"] == {"3:fault": daily.Tally(2, 0, 0)}
    assert daily.problem_of("3:fault") == (3, "fault")


def test_days_kept_as_rows_add_up_to_the_same_breakdown():
    monday, tuesday = daily.Breakdown(), daily.Breakdown()
    monday.add_tickets(("513301", 7, 3, "fault"), filed=2, bucket=D(2025, 1, 6))
    tuesday.add_tickets(("513301", 7, 3, "fault"), filed=1, resolved=2, met=1, bucket=D(2025, 1, 7))
    total = daily.Breakdown().merge(monday).merge(tuesday)
    assert total.groups["department"]["7"] == daily.Tally(3, 2, 1)
    assert dict(total.trend) == {D(2025, 1, 6): 2, D(2025, 1, 7): 1}
    rows = list(monday.rows())
    assert (daily.TOTAL, "2025-01-06", 2, 0, 0) in rows
    assert daily.bucket_of(D(2025, 1, 7), "month") == D(2025, 1, 1)


def clock(seconds, met, operator):
    # (seconds, met, target, operator, county, department, subsystem,
    #  category, cause, ticket, started, stopped, breached)
    return (seconds, met, 60, operator, 0, 0, 0, 0, 0, 1, 0, 0, 0)


def test_each_operators_median_is_the_median_of_their_own_clocks():
    clocks = daily.Clocks.from_rows(
        [clock(600, 1, 7), clock(60, 1, 9), clock(1800, 0, 7), clock(120, 1, 7), clock(30, 1, 0)]
    )
    found = clocks.medians_by("operator")
    assert found == {
        7: {"n": 3, "met": 2, "p50": 10.0},  # 2, 10 and 30 minutes
        9: {"n": 1, "met": 1, "p50": 1.0},
    }  # the clock with no operator (0) is nobody's
    for operator, figures in found.items():
        mine = clocks.times(clocks.rows["operator"] == operator)
        assert figures == {key: mine[key] for key in ("n", "met", "p50")}
    assert daily.Clocks.from_rows([]).medians_by("operator") == {}


def test_a_step_fired_twice_on_one_clock_counts_two_times_on_one_ticket():
    kinds = ("response", "resolution")
    rows = daily.escalation_rows(
        [(5, "resolution", 80), (5, "resolution", 80), (6, "resolution", 80), (5, "response", 100)],
        kinds,
    )
    assert daily.escalation_counts(rows, kinds) == [
        {"clock_kind": "resolution", "level": 80, "n": 3, "tickets": 2},
        {"clock_kind": "response", "level": 100, "n": 1, "tickets": 1},
    ]
    assert daily.escalation_counts(daily.escalation_rows([], kinds), kinds) == []
