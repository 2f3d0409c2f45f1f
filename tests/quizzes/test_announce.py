"""When a supervisor opens a session's quiz, the people invited to, enrolled
in or present at the session get a notice leading to the quiz — once, however
often it is closed and reopened."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk_site.notices.models import Kind, Notice
from quizzes import services
from tests.factories import DepartmentFactory, UserFactory
from tests.quizzes.conftest import attended, invited
from training import services as training_services
from training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_quiz(session, kangding_supervisor, questions):
    return services.save_quiz(
        session,
        kangding_supervisor,
        pass_mark=60,
        time_limit_minutes=20,
        max_attempts=2,
        question_ids=[q.pk for q in questions.values()],
    )


@pytest.fixture
def takers(session, centre):
    invitee = UserFactory(department=centre, username="invitee")
    enrolled = UserFactory(department=centre, username="enrolled")
    present = UserFactory(department=centre, username="present")
    invited(session, invitee)
    invited(session, enrolled)
    Enrolment.objects.create(session=session, user=enrolled)
    attended(session, present)
    return {invitee, enrolled, present}


def test_opening_tells_each_taker_once_with_a_link_to_the_quiz(
    client, closed_quiz, takers, centre, kangding_supervisor
):
    UserFactory(department=centre, username="not_invited")
    assert not Notice.objects.exists()
    client.force_login(kangding_supervisor)
    client.post(reverse("quizzes:open", args=[closed_quiz.pk]), {"open": "1"})

    notices = Notice.objects.all()
    assert {n.recipient for n in notices} == takers
    quiz_url = reverse("quizzes:quiz", args=[closed_quiz.pk])
    for notice in notices:
        assert notice.kind == Kind.TRAINING
        assert notice.link == quiz_url
        assert "事项管理系统操作培训" in notice.message

    client.post(reverse("quizzes:open", args=[closed_quiz.pk]), {"open": "0"})
    client.post(reverse("quizzes:open", args=[closed_quiz.pk]), {"open": "1"})
    assert Notice.objects.count() == len(takers)


def test_the_notice_leads_the_taker_to_the_quiz(client, closed_quiz, takers, kangding_supervisor):
    services.set_open(closed_quiz, kangding_supervisor, True)
    person = next(iter(takers))
    client.force_login(person)
    notices = client.get(reverse("notices:list")).content.decode()
    quiz_url = reverse("quizzes:quiz", args=[closed_quiz.pk])
    assert "考核已开放" in notices
    assert client.get(quiz_url).status_code == 200


def test_a_quiz_that_fails_to_open_tells_nobody(session, kangding_supervisor, takers):
    empty = services.save_quiz(
        session,
        kangding_supervisor,
        pass_mark=60,
        time_limit_minutes=20,
        max_attempts=1,
        question_ids=[],
    )
    with pytest.raises(ValidationError):
        services.set_open(empty, kangding_supervisor, True)
    assert not Notice.objects.exists()


def test_people_invited_after_the_quiz_opened_are_told_of_it(
    closed_quiz, takers, centre, kangding_supervisor, session
):
    services.set_open(closed_quiz, kangding_supervisor, True)
    told_before = Notice.objects.count()
    latecomer = UserFactory(department=DepartmentFactory(region=centre.region), username="late")

    training_services.invite(kangding_supervisor, session, departments=[latecomer.department])

    new = Notice.objects.order_by("pk")[told_before:]
    assert [n.recipient for n in new] == [latecomer, latecomer]
    assert new[1].link == reverse("quizzes:quiz", args=[closed_quiz.pk])


def test_people_invited_while_the_quiz_is_closed_get_only_the_invitation(
    closed_quiz, takers, centre, kangding_supervisor, session
):
    services.set_open(closed_quiz, kangding_supervisor, True)
    services.set_open(closed_quiz, kangding_supervisor, False)
    told_before = Notice.objects.count()
    latecomer = UserFactory(department=DepartmentFactory(region=centre.region), username="late")

    training_services.invite(kangding_supervisor, session, departments=[latecomer.department])

    assert [n.link for n in Notice.objects.order_by("pk")[told_before:]] == [
        reverse("training:session", args=[session.pk])
    ]
