"""The scoring rules, on ids alone (quizzes/scoring.py has no Django)."""

import datetime as dt
from fractions import Fraction

from quizzes import scoring
from quizzes.scoring import MULTIPLE, SINGLE, TRUE_FALSE, Key

SINGLE_Q = Key(1, SINGLE, (11, 12, 13), frozenset({12}))
MULTI_Q = Key(2, MULTIPLE, (21, 22, 23, 24), frozenset({21, 23}))
TF_Q = Key(3, TRUE_FALSE, (31, 32), frozenset({31}))
KEYS = [SINGLE_Q, MULTI_Q, TF_Q]


def test_single_choice_and_true_false_score_all_or_nothing():
    assert scoring.credit(SINGLE, {12}, {12}) == 1
    assert scoring.credit(SINGLE, {12}, {11}) == 0
    assert scoring.credit(SINGLE, {12}, set()) == 0
    # Choosing several options of a single-choice question is no answer.
    assert scoring.credit(SINGLE, {12}, {11, 12}) == 0
    assert scoring.credit(TRUE_FALSE, {31}, {31}) == 1
    assert scoring.credit(TRUE_FALSE, {31}, {32}) == 0


def test_multiple_choice_all_right_full_some_right_half_any_wrong_nothing():
    assert scoring.credit(MULTIPLE, {21, 23}, {21, 23}) == 1
    assert scoring.credit(MULTIPLE, {21, 23}, {21}) == Fraction(1, 2)
    assert scoring.credit(MULTIPLE, {21, 23}, {23}) == Fraction(1, 2)
    assert scoring.credit(MULTIPLE, {21, 23}, {21, 22}) == 0
    assert scoring.credit(MULTIPLE, {21, 23}, {21, 22, 23}) == 0
    assert scoring.credit(MULTIPLE, {21, 23}, {22}) == 0
    assert scoring.credit(MULTIPLE, {21, 23}, set()) == 0


def test_the_score_is_the_share_of_credit_in_percent():
    result = scoring.score(KEYS, {1: [12], 2: [21], 3: [32]}, pass_mark=60)
    assert result.earned == Fraction(3, 2)
    assert result.percent == 50
    assert result.shown_percent == scoring.one_decimal(Fraction(50))
    assert not result.passed
    assert result.credits == {1: 1, 2: Fraction(1, 2), 3: 0}


def test_passing_is_decided_on_the_exact_score_not_the_rounded_one():
    # Two of three right: 66.666…%, shown 66.7; a pass mark of 67 is not reached.
    keys = [SINGLE_Q, TF_Q, Key(4, SINGLE, (41, 42), frozenset({41}))]
    result = scoring.score(keys, {1: [12], 3: [31]}, pass_mark=67)
    assert str(result.shown_percent) == "66.7"
    assert not result.passed
    assert scoring.score(keys, {1: [12], 3: [31]}, pass_mark=66).passed


def test_a_score_exactly_at_the_pass_mark_passes():
    result = scoring.score([SINGLE_Q, TF_Q], {1: [12]}, pass_mark=50)
    assert result.percent == 50 and result.passed


def test_options_of_other_questions_count_for_nothing():
    # 31 is the right answer of the true/false question, not of question 1.
    result = scoring.score(KEYS, {1: [31], 2: [21, 23, 31]}, pass_mark=60)
    assert result.credits[1] == 0
    assert result.credits[2] == 1


def test_no_questions_never_pass():
    result = scoring.score([], {}, pass_mark=1)
    assert result.percent == 0 and not result.passed


def test_the_same_seed_gives_the_same_order():
    first = scoring.shuffled(KEYS, seed=12345)
    again = scoring.shuffled(list(reversed(KEYS)), seed=12345)
    assert first == again
    questions, options = first
    assert sorted(questions) == [1, 2, 3]
    assert sorted(options[2]) == [21, 22, 23, 24]


def test_orders_differ_between_seeds_and_true_false_keeps_its_order():
    keys = [
        Key(i, SINGLE, tuple(range(i * 10, i * 10 + 4)), frozenset({i * 10})) for i in range(12)
    ]
    orders = {tuple(scoring.shuffled(keys, seed)[0]) for seed in range(20)}
    assert len(orders) > 1
    for seed in range(20):
        assert scoring.shuffled([TF_Q], seed)[1][3] == [31, 32]


def test_answers_count_until_the_deadline_and_a_short_network_allowance():
    deadline = dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.UTC)
    assert scoring.accepts_answers(deadline - dt.timedelta(minutes=1), deadline)
    assert scoring.accepts_answers(deadline + scoring.NETWORK_ALLOWANCE, deadline)
    assert not scoring.accepts_answers(
        deadline + scoring.NETWORK_ALLOWANCE + dt.timedelta(seconds=1), deadline
    )


def test_single_choice_takes_one_option_multiple_any():
    assert scoring.valid_choice(SINGLE, [11])
    assert not scoring.valid_choice(SINGLE, [11, 12])
    assert not scoring.valid_choice(TRUE_FALSE, [31, 32])
    assert scoring.valid_choice(MULTIPLE, [21, 22, 23])
