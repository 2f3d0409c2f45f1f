"""Scoring of a quiz attempt, its shuffled order and its time rule: pure
arithmetic on ids, no Django, tested directly (tests/quizzes/test_scoring.py).

The rules:
- single choice and true/false: the one right option scores the question's
  full credit; anything else (nothing, a wrong option, several) scores 0;
- multiple choice (the common exam rule 全部选对得满分，少选得一半，错选不得分):
  exactly the right options score full credit; some of the right options and
  no wrong one score half; any wrong option, or nothing, scores 0;
- every question weighs the same; the score is the credit earned out of the
  number of questions, as a percentage, and the attempt passes when that
  percentage (exact, before rounding for display) reaches the pass mark;
- a submission that reaches the server after the deadline (plus a short
  allowance for the network) is scored as of the deadline: what was saved
  before the deadline counts, the late submission's own answers do not.
"""

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
KINDS = (SINGLE, MULTIPLE, TRUE_FALSE)

FULL = Fraction(1)
HALF = Fraction(1, 2)
NONE = Fraction(0)

# A submission sent as the clock ran out still carries its answers when it
# arrives this much after the deadline.
NETWORK_ALLOWANCE = dt.timedelta(seconds=10)


@dataclass(frozen=True)
class Key:
    """A question as scoring sees it: its kind and the ids of its options,
    of which `correct` are the right ones."""

    question_id: int
    kind: str
    options: tuple[int, ...]
    correct: frozenset[int]


def credit(kind: str, correct: Iterable[int], chosen: Iterable[int]) -> Fraction:
    """The share of one question's credit that `chosen` earns."""
    correct, chosen = frozenset(correct), frozenset(chosen)
    if not chosen or not correct:
        return NONE
    if kind == MULTIPLE:
        if chosen == correct:
            return FULL
        if chosen < correct:
            return HALF
        return NONE
    return FULL if chosen == correct else NONE


@dataclass(frozen=True)
class Result:
    earned: Fraction
    questions: int
    percent: Fraction
    passed: bool
    credits: dict[int, Fraction]

    @property
    def shown_percent(self) -> Decimal:
        """The percentage with one decimal, rounded half up (as printed)."""
        return one_decimal(self.percent)

    @property
    def shown_earned(self) -> Decimal:
        return one_decimal(self.earned)


def one_decimal(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score(keys: Iterable[Key], answers: Mapping[int, Iterable[int]], pass_mark) -> Result:
    """Score `answers` (question id → chosen option ids) against the keys.
    Options that are not the question's own are ignored."""
    keys = list(keys)
    credits = {}
    for key in keys:
        chosen = frozenset(answers.get(key.question_id, ())) & frozenset(key.options)
        credits[key.question_id] = credit(key.kind, key.correct, chosen)
    earned = sum(credits.values(), NONE)
    percent = earned * 100 / len(keys) if keys else NONE
    return Result(
        earned=earned,
        questions=len(keys),
        percent=percent,
        passed=bool(keys) and percent >= Fraction(str(pass_mark)),
        credits=credits,
    )


def shuffled(keys: Iterable[Key], seed: int) -> tuple[list[int], dict[int, list[int]]]:
    """The order one attempt shows: the questions shuffled, and each
    question's options shuffled except true/false (正确 stays before 错误).
    The same seed gives the same order."""
    # Reproducible from the stored seed; the order is no secret once shown.
    rng = random.Random(seed)  # noqa: S311
    keys = sorted(keys, key=lambda k: k.question_id)
    questions = [k.question_id for k in keys]
    rng.shuffle(questions)
    options = {}
    for key in keys:
        order = list(key.options)
        if key.kind != TRUE_FALSE:
            rng.shuffle(order)
        options[key.question_id] = order
    return questions, options


def accepts_answers(now: dt.datetime, deadline: dt.datetime) -> bool:
    """Whether answers arriving at `now` still count (saving or submitting)."""
    return now <= deadline + NETWORK_ALLOWANCE


def is_open(now: dt.datetime, deadline: dt.datetime) -> bool:
    """Whether the person may still work on the attempt (the page's clock)."""
    return now < deadline


def valid_choice(kind: str, chosen: Iterable[int]) -> bool:
    """Single choice and true/false take at most one option."""
    return kind == MULTIPLE or len(frozenset(chosen)) <= 1
