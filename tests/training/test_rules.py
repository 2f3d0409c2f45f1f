"""The rules as plain arithmetic: the floor of four rounds and when the year
risks missing it, the sign-in window, the needs ranking and the effect."""

import datetime as dt

from sla import business_time as bt
from training import needs, rules

CAL = bt.Calendar()


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=bt.SHANGHAI)


def standing(held, scheduled, when, floor=4):
    return rules.standing(
        floor=floor, held=held, scheduled=scheduled, year=2026, now=at(when), calendar=CAL
    )


def test_floor_of_four_rounds_is_met_only_by_rounds_held():
    assert standing(4, 0, "2026-12-01T10:00").met
    assert not standing(3, 1, "2026-12-01T10:00").met
    assert standing(3, 1, "2026-12-01T10:00").shortfall == 0


def test_early_in_the_year_a_missing_plan_is_no_risk_yet():
    early = standing(0, 0, "2026-03-02T10:00")
    assert early.shortfall == 4
    assert not early.at_risk


def test_late_in_the_year_missing_rounds_put_the_year_at_risk_on_working_days():
    # Four missing rounds need 60 working days plus a margin: by October the year is at risk.
    late = standing(0, 0, "2026-10-09T10:00")
    assert late.working_days_left < 4 * rules.ROUND_LEAD_WORKING_DAYS + 10
    assert late.at_risk
    # Scheduling the missing rounds removes the risk.
    assert not standing(1, 3, "2026-10-09T10:00").at_risk


def test_working_days_left_skip_the_national_day_holiday():
    before = rules.working_days_left(2026, at("2026-09-30T10:00"), CAL)
    after = rules.working_days_left(2026, at("2026-10-08T10:00"), CAL)
    # 1–7 October are days off: only a few working days pass in that week.
    assert before - after <= 2
    assert rules.working_days_left(2025, at("2026-01-05T10:00"), CAL) == 0


def test_one_missing_round_in_december_cannot_be_organised_any_more():
    late = standing(3, 0, "2026-12-24T10:00")
    assert late.at_risk and late.impossible


def test_warning_is_repeated_at_most_weekly_while_the_risk_lasts():
    risky = standing(0, 0, "2026-11-02T10:00")
    now = at("2026-11-02T10:00")
    assert rules.should_warn(risky, None, now)
    assert not rules.should_warn(risky, now - dt.timedelta(days=3), now)
    assert rules.should_warn(risky, now - dt.timedelta(days=7), now)
    assert not rules.should_warn(standing(4, 0, "2026-11-02T10:00"), None, now)


def test_sign_in_window_is_the_session_with_a_short_grace():
    starts, ends = at("2026-05-10T09:00"), at("2026-05-10T11:00")
    assert not rules.sign_in_open(starts, ends, starts - rules.SIGN_IN_EARLY - dt.timedelta(1))
    assert rules.sign_in_open(starts, ends, starts - rules.SIGN_IN_EARLY)
    assert rules.sign_in_open(starts, ends, ends + rules.SIGN_IN_GRACE)
    assert not rules.sign_in_open(starts, ends, ends + rules.SIGN_IN_GRACE + dt.timedelta(1))


def fact(department, subsystem, consultation=False, how_to=False):
    return needs.TicketFact(department, subsystem, consultation, how_to)


def test_needs_rank_a_large_share_of_consultations_above_two_out_of_two():
    facts = [fact("A", "e_seal", consultation=i < 40) for i in range(60)]
    facts += [fact("B", "e_seal", consultation=True) for _ in range(3)]
    facts += [fact("C", "e_seal") for _ in range(30)]
    ranked = needs.rank_needs(facts)
    assert [n.department for n in ranked] == ["A", "B"]
    assert ranked[0].consultations == 40 and ranked[0].tickets == 60


def test_groups_of_one_or_two_tickets_are_left_out():
    assert needs.rank_needs([fact("A", "e_seal", consultation=True)] * 2) == []


def test_how_do_i_counts_only_when_repeated():
    once = [fact("A", "e_license", how_to=True), fact("A", "e_license"), fact("A", "e_license")]
    assert needs.rank_needs(once) == []
    twice = [*once, fact("A", "e_license", how_to=True)]
    (need,) = needs.rank_needs(twice)
    assert need.needing == 2 and need.how_to == 2 and need.tickets == 4


def test_how_do_i_is_recognised_in_chinese_titles():
    assert needs.is_how_to("电子印章如何认领？")
    assert needs.is_how_to("事项怎么发布")
    assert not needs.is_how_to("综合受办平台无法登录")


def test_effect_compares_consultation_rates_and_warns_on_small_numbers():
    big = needs.Effect(40, 100, 20, 100)
    assert big.change == -20.0
    assert not big.small_numbers
    small = needs.Effect(3, 5, 1, 6)
    assert small.small_numbers
    assert needs.Effect(0, 0, 1, 3).change is None


def test_falling_behind_the_even_pace_is_a_risk_before_the_deadline_is_tight():
    # In mid-July half the year's working days are gone: two rounds are due.
    behind = standing(0, 1, "2026-07-15T10:00")
    assert behind.due_by_now == 2
    assert behind.behind_pace and behind.at_risk
    assert not standing(1, 1, "2026-07-15T10:00").at_risk
