"""The names of a training plan, a quiz and an attempt (in lists, the admin
and notices) are said in the reader's language."""

import pytest
from django.utils import translation

from quizzes import services
from tests.quizzes.conftest import attended

pytestmark = pytest.mark.django_db


def test_plan_quiz_and_attempt_names_in_chinese_and_english(quiz, session, clerk):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    plan = session.plan
    with translation.override("zh-hans"):
        assert str(plan) == f"{plan.year}年康定市培训计划"
        assert str(quiz) == "事项管理系统操作培训考核"
        assert str(attempt) == f"事项管理系统操作培训考核 · {clerk} · 第1次"
    with translation.override("en"):
        assert str(plan) == f"康定市 training plan {plan.year}"
        assert str(quiz) == "Quiz of 事项管理系统操作培训"
        assert str(attempt) == f"Quiz of 事项管理系统操作培训 · {clerk} · attempt 1"
