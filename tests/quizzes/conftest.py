import datetime as dt

import pytest
from django.utils import timezone

from helpdesk_site.people.models import Role
from quizzes import services
from quizzes.models import Kind
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, get_subsystem, region
from training.models import Attendance, AttendanceMethod, Invitation, TrainingPlan, TrainingSession


def supervisor(code="513301", **fields):
    return UserFactory(
        role=Role.SUPERVISOR, department=None, supervised_region=region(code), **fields
    )


def training_session(code="513301", starts_at=None, title="事项管理系统操作培训", **fields):
    starts_at = starts_at or timezone.now() - dt.timedelta(hours=1)
    plan, _ = TrainingPlan.objects.get_or_create(year=starts_at.year, region=region(code))
    return TrainingSession.objects.create(
        plan=plan,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        **fields,
    )


def attended(session, user):
    return Attendance.objects.create(session=session, user=user, method=AttendanceMethod.QR)


def invited(session, user):
    return Invitation.objects.create(session=session, user=user)


def published(author, reviewer, kind, stem, options, subsystem="service_items", explanation=""):
    """A reviewed question; `options` as (text, right) pairs."""
    question = services.save_question(
        author,
        kind=kind,
        subsystem=get_subsystem(subsystem),
        stem=stem,
        explanation=explanation,
        options=options,
    )
    return services.publish_question(question, reviewer)


@pytest.fixture
def kangding_supervisor(db):
    return supervisor("513301", last_name="张", first_name="主管")


@pytest.fixture
def operator(db):
    return OperatorFactory(last_name="王", first_name="运维")


@pytest.fixture
def centre(db):
    return DepartmentFactory(name="炉城街道便民服务中心", region=region("513301001"))


@pytest.fixture
def clerk(centre):
    return UserFactory(department=centre, last_name="泽仁", first_name="卓玛")


@pytest.fixture
def questions(operator, kangding_supervisor):
    """One question of each type: single (B right), multiple (A and C right
    of A–D), true/false (true)."""
    single = published(
        operator,
        kangding_supervisor,
        Kind.SINGLE,
        "实施清单在哪个系统中认领？",
        [("综合受办平台", False), ("事项管理系统", True), ("电子印章管理系统", False)],
        explanation="实施清单在事项管理系统中认领、编辑和发布。",
    )
    multiple = published(
        operator,
        kangding_supervisor,
        Kind.MULTIPLE,
        "以下哪些属于电子印章的操作？",
        [("认领", True), ("编目", False), ("制章", True), ("受理", False)],
        subsystem="e_seal",
    )
    true_false = published(
        operator,
        kangding_supervisor,
        Kind.TRUE_FALSE,
        "超期件会在综合受办平台中标出。",
        services.true_false_options(True),
        subsystem="case_handling",
    )
    return {"single": single, "multiple": multiple, "true_false": true_false}


@pytest.fixture
def session(kangding_supervisor):
    return training_session("513301")


@pytest.fixture
def quiz(session, kangding_supervisor, questions):
    quiz = services.save_quiz(
        session,
        kangding_supervisor,
        pass_mark=60,
        time_limit_minutes=20,
        max_attempts=2,
        question_ids=[q.pk for q in questions.values()],
    )
    return services.set_open(quiz, kangding_supervisor, True)


def right_answers(attempt):
    """The right options of each question of an attempt."""
    from quizzes.models import Option

    return {
        str(q): list(
            Option.objects.filter(question_id=q, is_correct=True).values_list("pk", flat=True)
        )
        for q in attempt.question_order
    }


def wrong_answers(attempt):
    from quizzes.models import Option

    return {
        str(q): [Option.objects.filter(question_id=q, is_correct=False).first().pk]
        for q in attempt.question_order
    }
