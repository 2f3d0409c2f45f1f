"""The admin's pages of training and the assessment, for administrators:
Chinese throughout; questions, quizzes and attempts are read there, not changed
(publishing needs the bank's second reviewer); a plan's floor is corrected
there and stays at four rounds at least."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.uploads import PPTX
from quizzes import services
from quizzes.models import Attempt, Question, Quiz
from tests.english import visible_english
from tests.factories import UserFactory, pptx_slides
from tests.quizzes.conftest import attended, right_answers
from training import services as training_services
from training.models import Material, TrainingPlan, TrainingSession

pytestmark = pytest.mark.django_db

MODELS = [TrainingPlan, TrainingSession, Material, Question, Quiz, Attempt]


@pytest.fixture
def administrator(db):
    return UserFactory(
        role=Role.ADMIN,
        department=None,
        is_superuser=True,
        is_staff=True,
        last_name="系统",
        first_name="管理员",
    )


@pytest.fixture
def everything(quiz, session, clerk, operator):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    services.submit(attempt, clerk, right_answers(attempt))
    training_services.add_material_with_file(
        operator,
        title="事项管理系统操作课件",
        subsystems=[],
        uploaded=SimpleUploadedFile("课件.pptx", pptx_slides()),
        sessions=[session],
    )


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_list_and_page_is_chinese(client, administrator, everything, model):
    client.force_login(administrator)
    obj = model.objects.order_by("pk").first()
    seen = {administrator.username, "课件.pptx", PPTX}
    for url in (admin_url(model, "changelist"), admin_url(model, "change", obj.pk)):
        response = client.get(url)
        assert response.status_code == 200, url
        english = visible_english(response.content.decode(), seen)
        assert not english, (url, english)


def test_the_index_names_the_apps_in_chinese(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:index")).content.decode()
    for name in ("培训计划", "培训场次", "教材", "题库", "考核"):
        assert name in page, name


@pytest.mark.parametrize("model", [TrainingSession, Question, Quiz, Attempt], ids=str)
def test_read_only_here(client, administrator, everything, model):
    client.force_login(administrator)
    obj = model.objects.order_by("pk").first()
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_plans_floor_is_corrected_but_not_below_four(client, administrator, session):
    plan = session.plan
    client.force_login(administrator)
    url = admin_url(TrainingPlan, "change", plan.pk)
    refused = client.post(url, {"min_rounds": 3, "notes": ""})
    assert refused.status_code == 200 and "至少" in refused.content.decode()
    assert client.post(url, {"min_rounds": 6, "notes": "州级加开两期"}).status_code == 302
    plan.refresh_from_db()
    assert (plan.min_rounds, plan.notes) == (6, "州级加开两期")


def test_only_administrators_enter(client, kangding_supervisor, operator):
    for user in (kangding_supervisor, operator):
        client.force_login(user)
        response = client.get(admin_url(Question, "changelist"))
        assert response.status_code == 302 and "/login/" in response["Location"]
