"""In Chromium on a phone (390×844): a clerk signs in at a running session
through the address its QR code encodes, opens the session's quiz, answers
and sees the result; the quiz pages fit a phone and a laptop (1366×768)
without English."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, Kind, Option
from tests.factories import PASSWORD, DepartmentFactory, OperatorFactory, UserFactory, region
from tests.quizzes.conftest import invited, published, supervisor, training_session
from training import selectors as training_selectors
from training.models import Attendance

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Subsystems' own names, and the spreadsheet program questions are imported from.
ALLOWED_LATIN = {"APP", "FAQ", "Excel"}


def english(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def fits_and_chinese(page, what):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    text = page.inner_text("main")
    assert not english(text), (what, english(text))


@pytest.fixture
def running_quiz():
    department = DepartmentFactory(name="炉城街道便民服务中心", region=region("513301001"))
    clerk = UserFactory(department=department, last_name="泽仁", first_name="卓玛")
    boss = supervisor("513301", last_name="张", first_name="主管")
    author = OperatorFactory(last_name="王", first_name="运维")
    now = timezone.now()
    session = training_session(
        "513301",
        starts_at=now - dt.timedelta(minutes=20),
        title="事项管理系统实施清单认领培训",
        form="offline",
        venue="康定市政务服务中心三楼会议室",
    )
    session.ends_at = now + dt.timedelta(minutes=100)
    session.save()
    invited(session, clerk)
    questions = [
        published(
            author,
            boss,
            Kind.SINGLE,
            "实施清单在哪个系统中认领？",
            [("综合受办平台", False), ("事项管理系统", True), ("电子印章管理系统", False)],
        ),
        published(
            author,
            boss,
            Kind.MULTIPLE,
            "实施清单发布前须经过哪些步骤？",
            [("认领", True), ("审核", True), ("制章", False)],
        ),
        published(
            author,
            boss,
            Kind.TRUE_FALSE,
            "实施清单被退回后可以修改后重新提交。",
            services.true_false_options(True),
        ),
    ]
    quiz = services.save_quiz(
        session,
        boss,
        pass_mark=60,
        time_limit_minutes=20,
        max_attempts=2,
        question_ids=[q.pk for q in questions],
    )
    services.set_open(quiz, boss, True)
    return session, clerk, boss


def log_in(page, user):
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()


def test_a_clerk_signs_in_then_takes_the_quiz_on_a_phone(browser, live_server, running_quiz):
    session, clerk, boss = running_quiz
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    # The training app's sign-in, reached only through the address its QR code encodes.
    address = training_selectors.sign_in_url(session).split("/", 3)[3]
    page.goto(f"{live_server.url}/{address}")
    log_in(page, clerk)
    page.wait_for_selector("[data-sign-in]")
    page.click("[data-sign-in]")
    page.wait_for_selector("[data-signed-in]")
    assert Attendance.objects.filter(session=session, user=clerk, present=True).exists()

    page.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    page.click("[data-take-quiz]")
    page.wait_for_selector("[data-start]")
    fits_and_chinese(page, "quiz landing")
    page.click("[data-start]")
    page.wait_for_selector("[data-quiz-form]")
    fits_and_chinese(page, "taking the quiz")
    attempt = Attempt.objects.get(user=clerk)
    # Answer in the order shown: every right option ticked.
    for question in attempt.question_order:
        for option in attempt.option_order[str(question)]:
            if Option.objects.get(pk=option).is_correct:
                page.check(f"#o{option}")
    page.wait_for_selector("[data-save-state]:has-text('已保存')")
    page.click("[data-submit]")
    page.wait_for_selector("[data-result]")
    assert page.inner_text("[data-score]").startswith("100.0")
    assert page.inner_text("[data-verdict]") == "合格"
    fits_and_chinese(page, "result")
    page.click("text=合格证书")
    page.wait_for_selector("[data-certificate]")
    assert "泽仁卓玛" in page.inner_text("[data-certificate]")
    fits_and_chinese(page, "certificate")

    laptop = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    laptop.goto(f"{live_server.url}/accounts/login/")
    log_in(laptop, boss)
    quiz = session.quiz
    for path in (
        f"/quizzes/session/{session.pk}/",
        f"/quizzes/{quiz.pk}/results/",
        f"/quizzes/{quiz.pk}/passes/",
        "/quizzes/questions/",
        "/quizzes/",
    ):
        laptop.goto(live_server.url + path)
        fits_and_chinese(laptop, path)
        if "results" in path:
            assert "泽仁卓玛" in laptop.inner_text("main")
