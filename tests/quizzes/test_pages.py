"""The pages: taking a quiz, what is shown when, results, passes and certificates."""

import datetime as dt

import pytest
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, Option
from tests.english import visible_english
from tests.factories import DepartmentFactory, UserFactory, region
from tests.quizzes.conftest import attended, right_answers, supervisor, wrong_answers

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def post_answers(client, attempt, answers, name="quizzes:submit"):
    data = {f"q{q}": chosen for q, chosen in answers.items()}
    return client.post(reverse(name, args=[attempt.pk]), data)


def test_a_clerk_takes_the_quiz_through_the_pages(client, quiz, session, clerk):
    attended(session, clerk)
    login(client, clerk)
    landing = client.get(reverse("quizzes:quiz", args=[quiz.pk]))
    assert "开始考核" in landing.content.decode()
    started = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=clerk)
    assert started["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    page = client.get(started["Location"]).content.decode()
    assert "交卷" in page
    assert not visible_english(page)
    # The right answers are nowhere in the page while it runs.
    assert "✓" not in page and "is_correct" not in page and "解析" not in page
    positions = [
        page.index(f'id="o{o}"') for o in attempt.option_order[str(attempt.question_order[0])]
    ]
    assert positions == sorted(positions)

    saved = post_answers(client, attempt, right_answers(attempt), "quizzes:save")
    assert saved.json() == {"saved": True}
    result = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    page = client.get(result["Location"]).content.decode()
    assert "100.0" in page and "合格" in page
    assert "合格证书" in page


def test_the_key_stays_hidden_while_another_attempt_may_follow(client, quiz, session, clerk):
    attended(session, clerk)
    login(client, clerk)
    attempt = services.start_attempt(quiz, clerk)
    post_answers(client, attempt, wrong_answers(attempt))
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "未通过" in page
    assert "通过考核或作答次数用完后显示正确答案" in page
    assert "✓" not in page and "实施清单在事项管理系统中认领" not in page
    second = services.start_attempt(quiz, clerk)
    post_answers(client, second, wrong_answers(second))
    page = client.get(reverse("quizzes:attempt", args=[second.pk])).content.decode()
    assert "✓" in page and "实施清单在事项管理系统中认领" in page
    assert "用完" in client.get(reverse("quizzes:quiz", args=[quiz.pk])).content.decode()


def test_a_late_submit_through_the_page_says_so(client, quiz, session, clerk, monkeypatch):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    login(client, clerk)
    later = attempt.deadline + dt.timedelta(minutes=3)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    response = post_answers(client, attempt, right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.percent == 0
    page = client.get(response["Location"]).content.decode()
    assert "按截止前保存的答案计分" in page


def test_saving_after_the_deadline_is_refused_in_chinese(client, quiz, session, clerk, monkeypatch):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    login(client, clerk)
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: attempt.deadline + dt.timedelta(minutes=1)
    )
    response = post_answers(client, attempt, right_answers(attempt), "quizzes:save")
    assert response.status_code == 409
    assert "时间已到" in response.json()["error"]


def test_a_stranger_cannot_open_or_start_the_quiz(client, quiz, centre):
    stranger = UserFactory(department=centre)
    login(client, stranger)
    assert client.get(reverse("quizzes:quiz", args=[quiz.pk])).status_code == 404
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_nobody_else_opens_a_running_attempt(client, quiz, session, clerk, centre):
    attended(session, clerk)
    attempt = services.start_attempt(quiz, clerk)
    colleague = UserFactory(department=centre)
    login(client, colleague)
    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404
    assert post_answers(client, attempt, right_answers(attempt)).status_code == 404


@pytest.fixture
def taken(quiz, session, clerk, centre):
    """Three clerks of two counties: 卓玛 passed, 格桑 failed (康定); 李 passed (泸定)."""
    failing = UserFactory(department=centre, last_name="格桑", first_name="拉姆")
    luding = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    other_county = UserFactory(department=luding, last_name="李", first_name="建华")
    for person, answers in (
        (clerk, right_answers),
        (failing, wrong_answers),
        (other_county, right_answers),
    ):
        attended(session, person)
        attempt = services.start_attempt(quiz, person)
        services.submit(attempt, person, answers(attempt))
    return {"passed": clerk, "failed": failing, "luding": other_county}


def test_results_per_person_and_department_within_the_supervisors_region(
    client, quiz, taken, kangding_supervisor
):
    login(client, kangding_supervisor)
    page = client.get(reverse("quizzes:results", args=[quiz.pk])).content.decode()
    assert "泽仁卓玛" in page and "格桑拉姆" in page
    assert "李建华" not in page
    assert "50.0%" in page  # 炉城: one of two passed
    assert not visible_english(page)
    prefecture = supervisor("513300")
    login(client, prefecture)
    page = client.get(reverse("quizzes:results", args=[quiz.pk])).content.decode()
    assert "李建华" in page
    scores = client.get(reverse("quizzes:scores")).content.decode()
    assert "泸定县政务服务中心" in scores


def test_a_clerk_reads_no_results(client, quiz, taken):
    login(client, taken["passed"])
    assert client.get(reverse("quizzes:results", args=[quiz.pk])).status_code == 403
    assert client.get(reverse("quizzes:passes", args=[quiz.pk])).status_code == 403


def test_printable_list_of_passes(client, quiz, taken, kangding_supervisor):
    login(client, kangding_supervisor)
    page = client.get(reverse("quizzes:passes", args=[quiz.pk])).content.decode()
    assert "培训成果考核合格人员名单" in page
    assert "泽仁卓玛" in page and "格桑拉姆" not in page
    assert "quizzes/print.css" in page


def test_certificates_for_passes_only_for_the_person_and_their_supervisors(
    client, quiz, taken, kangding_supervisor
):
    passed, failed, luding = taken["passed"], taken["failed"], taken["luding"]
    url = reverse("quizzes:certificate", args=[quiz.pk, passed.pk])
    login(client, passed)
    page = client.get(url).content.decode()
    assert "培训合格证书" in page and "泽仁卓玛" in page and "考核合格" in page
    assert not visible_english(page)
    assert client.get(reverse("quizzes:certificate", args=[quiz.pk, luding.pk])).status_code == 404
    login(client, failed)
    assert client.get(reverse("quizzes:certificate", args=[quiz.pk, failed.pk])).status_code == 404
    assert client.get(url).status_code == 404
    login(client, kangding_supervisor)
    assert client.get(url).status_code == 200


def test_the_supervisor_sets_the_quiz_on_the_session_page(
    client, session, questions, kangding_supervisor, clerk
):
    login(client, kangding_supervisor)
    url = reverse("quizzes:session", args=[session.pk])
    page = client.get(url).content.decode()
    assert "保存考核" in page and not visible_english(page)
    response = client.post(
        url,
        {
            "pass_mark": 80,
            "time_limit_minutes": 15,
            "max_attempts": 3,
            "questions": [questions["single"].pk, questions["true_false"].pk],
        },
    )
    assert response.status_code == 302
    quiz = session.quiz
    assert (quiz.pass_mark, quiz.time_limit_minutes, quiz.max_attempts) == (80, 15, 3)
    assert quiz.entries.count() == 2
    client.post(reverse("quizzes:open", args=[quiz.pk]), {"open": "1"})
    quiz.refresh_from_db()
    assert quiz.is_open
    bad = client.post(url, {"pass_mark": 0, "time_limit_minutes": 15, "max_attempts": 1})
    assert bad.status_code == 400
    other = supervisor("513322")
    login(client, other)
    assert client.post(reverse("quizzes:open", args=[quiz.pk]), {"open": "0"}).status_code == 403


def test_the_quiz_is_fixed_once_someone_started_it(
    client, quiz, session, clerk, kangding_supervisor
):
    attended(session, clerk)
    services.start_attempt(quiz, clerk)
    login(client, kangding_supervisor)
    url = reverse("quizzes:session", args=[session.pk])
    assert "不能再修改" in client.get(url).content.decode()
    response = client.post(url, {"pass_mark": 10, "time_limit_minutes": 5, "max_attempts": 1})
    assert response.status_code == 400
    quiz.refresh_from_db()
    assert quiz.pass_mark == 60


def test_the_index_lists_what_a_clerk_may_take(client, quiz, session, clerk):
    attended(session, clerk)
    login(client, clerk)
    page = client.get(reverse("quizzes:index")).content.decode()
    assert session.title in page and "未参加" in page
    assert not visible_english(page)
    assert Option.objects.exists()
