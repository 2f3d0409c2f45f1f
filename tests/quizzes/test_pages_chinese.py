"""Every page of training, the training assessment and the engineer
assessment, as each role opens it, shows no English in the Chinese interface."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Question
from residency import services as residency_services
from residency.models import AssessmentTemplate, Engineer, Source
from tests.english import visible_english
from tests.factories import pptx_slides, region
from tests.quizzes.conftest import attended, invited, right_answers
from tests.urlwalk import walk
from training import selectors as training_selectors
from training import services as training_services
from training.models import TrainingPlan

pytestmark = pytest.mark.django_db

NAMESPACES = ("training:", "quizzes:", "residency:")
# Each role opens most of its pages; fewer would mean the walk lost its way.
PAGES_AT_LEAST = {"supervisor": 20, "operator": 10, "clerk": 6}
# The subsystem's own name (天府通办 APP), the file formats of materials and
# the engineer assessments' number prefix (KH2026-0001).
DATA = {"APP", "PDF", "Word", "Excel", "PowerPoint", "pptx", "KH"}


@pytest.fixture
def desk(quiz, session, clerk, operator, kangding_supervisor):
    invited(session, clerk)
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    services.submit(attempt, clerk, right_answers(attempt))
    session.trainers.add(operator)
    material = training_services.add_material_with_file(
        operator,
        title="事项管理系统操作课件",
        subsystems=[],
        uploaded=SimpleUploadedFile("课件.pptx", pptx_slides()),
        sessions=[session],
    )
    AssessmentTemplate.objects.all().delete()
    template = AssessmentTemplate.objects.create(name="驻场考核表", pass_mark=80)
    item = template.items.create(name="业务能力", source=Source.MANUAL, weight=100, order=0)
    engineer = Engineer.objects.create(
        user=operator, post=region("513301"), on_duty_since=dt.date(2025, 9, 1)
    )
    today = timezone.localdate()
    assessment = residency_services.record_assessment(
        engineer,
        kangding_supervisor,
        assessed_on=today,
        period_from=today - dt.timedelta(days=30),
        period_to=today,
        manual_scores={item.pk: 90},
        quiet=True,
    )
    return {
        "pk": {
            "training:plan": TrainingPlan.objects.get().pk,
            "training:material": material.pk,
            "quizzes:question": Question.objects.order_by("pk").first().pk,
            "quizzes:attempt": attempt.pk,
            "residency:engineer": engineer.pk,
            "residency:assessment": assessment.pk,
        },
        "session": session,
        "quiz": quiz,
        "clerk": clerk,
        "token": training_selectors.sign_in_token(session),
    }


def url_of(name, params, desk):
    kwargs = {}
    for param in params:
        if param == "pk" and name in desk["pk"]:
            kwargs["pk"] = desk["pk"][name]
        elif param == "pk" and name.startswith("training:session"):
            kwargs["pk"] = desk["session"].pk
        elif param == "pk" and name.startswith("quizzes:"):
            kwargs["pk"] = desk["quiz"].pk
        elif param == "pk" and name.startswith("training:"):
            kwargs["pk"] = desk["session"].pk
        elif param == "session_id":
            kwargs[param] = desk["session"].pk
        elif param == "user_id":
            kwargs[param] = desk["clerk"].pk
        elif param == "token":
            kwargs[param] = desk["token"]
        else:
            return None
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", ["supervisor", "operator", "clerk"])
def test_no_english_on_any_page(client, desk, role, kangding_supervisor, operator, clerk):
    user = {"supervisor": kangding_supervisor, "operator": operator, "clerk": clerk}[role]
    client.force_login(user)
    seen = {user.username, "课件.pptx"} | DATA
    english, pages = {}, 0
    for name, params, _route in walk():
        if not name.startswith(NAMESPACES):
            continue
        url = url_of(name, params, desk)
        if url is None:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        for word, context in visible_english(response.content.decode(), seen).items():
            english.setdefault(url, {})[word] = context
    assert pages >= PAGES_AT_LEAST[role]
    assert not english, english


def test_the_pages_of_a_supervisor_who_writes_questions(client, kangding_supervisor):
    """The bank as the writer of a draft sees it (the second-reviewer note)."""
    question = services.save_question(
        kangding_supervisor,
        kind="single",
        subsystem=None,
        stem="电子证照模板在哪里发布？",
        explanation="",
        options=[("证照目录", True), ("事项目录", False)],
    )
    client.force_login(kangding_supervisor)
    for url in (
        reverse("quizzes:question", args=[question.pk]),
        reverse("quizzes:bank"),
        reverse("quizzes:question_import"),
    ):
        page = client.get(url).content.decode()
        assert not visible_english(page, {kangding_supervisor.username}), url
