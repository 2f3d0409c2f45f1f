"""Taking a quiz: who may, the order, the time limit, the attempts limit and
double submits."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt
from tests.factories import UserFactory
from tests.quizzes.conftest import attended, invited, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


def test_a_clerk_who_signed_in_takes_the_quiz_and_passes(quiz, session, clerk):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    assert attempt.number == 1 and attempt.department == clerk.department
    assert attempt.deadline - attempt.started_at == dt.timedelta(minutes=20)
    attempt = services.submit(attempt, clerk, right_answers(attempt))
    assert attempt.percent == 100 and attempt.passed


def test_invited_people_may_take_it_others_may_not(quiz, session, clerk, centre):
    invited(session, clerk)
    assert services.start_attempt(quiz, clerk)
    stranger = UserFactory(department=centre)
    with pytest.raises(PermissionDenied):
        services.start_attempt(quiz, stranger)


def test_a_closed_quiz_cannot_be_started(quiz, session, clerk, kangding_supervisor):
    attended(session, clerk)
    quiz = services.set_open(quiz, kangding_supervisor, False)
    with pytest.raises(PermissionDenied):
        services.start_attempt(quiz, clerk)


def test_the_order_stays_the_same_within_one_attempt(quiz, session, clerk):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    again = services.start_attempt(quiz, clerk)
    assert again.pk == attempt.pk
    assert again.question_order == attempt.question_order
    assert again.option_order == attempt.option_order
    assert sorted(attempt.question_order) == sorted(
        quiz.entries.values_list("question_id", flat=True)
    )


def test_attempts_are_limited_and_a_pass_ends_them(quiz, session, clerk, centre):
    attended(session, clerk)
    first = services.start_attempt(quiz, clerk)
    services.submit(first, clerk, wrong_answers(first))
    second = services.start_attempt(quiz, clerk)
    assert second.number == 2
    services.submit(second, clerk, wrong_answers(second))
    with pytest.raises(ValidationError, match="次数"):
        services.start_attempt(quiz, clerk)

    colleague = UserFactory(department=centre)
    attended(session, colleague)
    attempt = services.start_attempt(quiz, colleague)
    services.submit(attempt, colleague, right_answers(attempt))
    with pytest.raises(ValidationError, match="已通过"):
        services.start_attempt(quiz, colleague)


def test_a_second_submit_answers_the_first_result(quiz, session, clerk):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    first = services.submit(attempt, clerk, wrong_answers(attempt))
    again = services.submit(attempt, clerk, right_answers(attempt))
    assert again.percent == first.percent == 0
    assert Attempt.objects.get(pk=attempt.pk).passed is False


def test_a_late_submission_is_scored_as_of_the_deadline(quiz, session, clerk):
    """Answers saved in time count; the late submission's own do not."""
    attended(session, clerk)
    start = timezone.now()
    attempt = services.start_attempt(quiz, clerk, now=start)
    right = right_answers(attempt)
    first = attempt.question_order[0]
    services.save_answers(attempt, clerk, {str(first): right[str(first)]}, now=start)
    late = attempt.deadline + dt.timedelta(minutes=5)
    attempt = services.submit(attempt, clerk, right, now=late)
    assert attempt.timed_out
    assert attempt.submitted_at == attempt.deadline
    assert attempt.earned == 1
    assert not attempt.passed


def test_a_submission_within_the_network_allowance_still_counts(quiz, session, clerk):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    just_after = attempt.deadline + dt.timedelta(seconds=5)
    attempt = services.submit(attempt, clerk, right_answers(attempt), now=just_after)
    assert not attempt.timed_out and attempt.passed


def test_answers_are_not_saved_after_the_deadline(quiz, session, clerk):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    with pytest.raises(ValidationError, match="时间已到"):
        services.save_answers(
            attempt, clerk, right_answers(attempt), now=attempt.deadline + dt.timedelta(minutes=1)
        )


def test_an_attempt_left_running_is_scored_at_its_deadline(quiz, session, clerk):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    services.save_answers(attempt, clerk, right_answers(attempt))
    assert services.close_expired(now=attempt.deadline - dt.timedelta(seconds=1)) == 0
    assert services.close_expired(now=attempt.deadline + dt.timedelta(minutes=1)) == 1
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.passed and attempt.submitted_at == attempt.deadline


def test_someone_elses_attempt_cannot_be_answered(quiz, session, clerk, centre):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    other = UserFactory(department=centre)
    with pytest.raises(PermissionDenied):
        services.submit(attempt, other, right_answers(attempt))


def test_two_options_for_a_single_choice_question_are_refused(quiz, session, clerk, questions):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    single = questions["single"]
    both = list(single.options.values_list("pk", flat=True))[:2]
    with pytest.raises(ValidationError):
        services.save_answers(attempt, clerk, {str(single.pk): both})


def test_multiple_choice_half_credit_in_a_real_attempt(quiz, session, clerk, questions):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    answers = right_answers(attempt)
    multiple = questions["multiple"]
    answers[str(multiple.pk)] = answers[str(multiple.pk)][:1]
    attempt = services.submit(attempt, clerk, answers)
    assert str(attempt.earned) == "2.5"
    assert str(attempt.percent) == "83.3"
