"""The question bank: drafts, review, and questions drafted from FAQs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quizzes import services
from quizzes.models import Kind, Question, QuestionState
from tests.factories import UserFactory, get_subsystem
from tests.kb.factories import published_faq
from tests.quizzes.conftest import supervisor

pytestmark = pytest.mark.django_db


def draft(author, kind=Kind.SINGLE, options=(("甲", True), ("乙", False))):
    return services.save_question(
        author,
        kind=kind,
        subsystem=get_subsystem("e_license"),
        stem="电子证照模板在哪里发布？",
        explanation="",
        options=list(options),
    )


def test_an_operator_drafts_and_a_supervisor_publishes(operator, kangding_supervisor):
    question = draft(operator)
    assert question.state == QuestionState.DRAFT
    with pytest.raises(PermissionDenied):
        services.publish_question(question, operator)
    question = services.publish_question(question, kangding_supervisor)
    assert question.state == QuestionState.PUBLISHED
    assert question.reviewed_by == kangding_supervisor


def test_clerks_write_no_questions(clerk):
    with pytest.raises(PermissionDenied):
        draft(clerk)


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        (Kind.SINGLE, [("甲", True), ("乙", True)]),
        (Kind.SINGLE, [("甲", True)]),
        (Kind.MULTIPLE, [("甲", True), ("乙", False), ("丙", False)]),
        (Kind.MULTIPLE, [("甲", True), ("乙", True)]),
        (Kind.TRUE_FALSE, services.true_false_options(None)),
        (Kind.SINGLE, [("甲", True), ("甲", False)]),
    ],
)
def test_a_question_with_options_that_make_no_sense_is_not_published(
    operator, kangding_supervisor, kind, options
):
    question = draft(operator, kind, options)
    with pytest.raises(ValidationError):
        services.publish_question(question, kangding_supervisor)
    question.refresh_from_db()
    assert question.state == QuestionState.DRAFT


def test_a_published_question_is_not_edited(operator, kangding_supervisor):
    question = services.publish_question(draft(operator), kangding_supervisor)
    with pytest.raises(ValidationError):
        services.save_question(
            operator,
            kind=Kind.SINGLE,
            subsystem=None,
            stem="改过的题目",
            explanation="",
            options=[("甲", False), ("乙", True)],
            question=question,
        )


def test_a_question_drafted_from_a_faq_waits_for_options_and_review(
    client, operator, kangding_supervisor, session
):
    faq = published_faq(
        operator,
        "实施清单认领后为什么看不到？",
        "认领后须在事项管理系统中提交审核，审核通过后才会显示。",
        subsystem="service_items",
    )
    client.force_login(operator)
    response = client.post(reverse("quizzes:draft_from_faq", args=[faq.pk]))
    assert response.status_code == 302
    question = faq_question = Question.objects.get(source_faq=faq)
    assert question.stem == "实施清单认领后为什么看不到？"
    assert question.explanation.startswith("认领后须在事项管理系统中提交审核")
    assert question.subsystem.code == "service_items"
    assert question.state == QuestionState.DRAFT
    assert not question.options.exists()
    # Not offered to a quiz, and not publishable, until the options are written.
    with pytest.raises(ValidationError):
        services.save_quiz(
            session,
            kangding_supervisor,
            pass_mark=60,
            time_limit_minutes=10,
            max_attempts=1,
            question_ids=[question.pk],
        )
    with pytest.raises(ValidationError):
        services.publish_question(question, kangding_supervisor)
    page = client.get(response["Location"])
    assert "实施清单认领后为什么看不到？" in page.content.decode()
    services.save_question(
        operator,
        kind=Kind.SINGLE,
        subsystem=question.subsystem,
        stem=question.stem,
        explanation=question.explanation,
        options=[("未提交审核", True), ("网络故障", False)],
        question=faq_question,
    )
    assert services.publish_question(question, kangding_supervisor).state == "published"


def test_only_published_faqs_give_questions(operator):
    from kb import faqs

    faq = faqs.create_draft(user=operator, question="草稿问题？", answer="草稿答案", subsystem=None)
    with pytest.raises(ValidationError):
        services.draft_from_faq(operator, faq)


def test_the_bank_is_not_for_clerks(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("quizzes:bank")).status_code == 403
    assert client.get(reverse("quizzes:question_new")).status_code == 403


def test_writing_a_question_in_the_form(client, operator):
    client.force_login(operator)
    page = client.get(reverse("quizzes:question_new"))
    assert "新建试题" in page.content.decode()
    data = {
        "kind": Kind.MULTIPLE,
        "subsystem": get_subsystem("e_seal").pk,
        "stem": "电子印章的哪些环节需要审核？",
        "option_1": "认领",
        "correct_1": "on",
        "option_2": "制章",
        "correct_2": "on",
        "option_3": "下载",
        "submit_token": "token-1",
    }
    response = client.post(reverse("quizzes:question_new"), data)
    assert response.status_code == 302
    again = client.post(reverse("quizzes:question_new"), data)
    assert again["Location"] == response["Location"]
    assert Question.objects.filter(stem="电子印章的哪些环节需要审核？").count() == 1
    bad = client.post(reverse("quizzes:question_new"), {**data, "stem": "", "submit_token": "t2"})
    assert bad.status_code == 400
    assert "该字段是必填项" in bad.content.decode()


def test_another_role_cannot_publish_through_the_page(client, operator):
    question = draft(operator)
    client.force_login(operator)
    assert client.post(reverse("quizzes:question_publish", args=[question.pk])).status_code == 403
    other = UserFactory()
    client.force_login(other)
    assert client.get(reverse("quizzes:question", args=[question.pk])).status_code == 403


def test_a_supervisor_does_not_publish_their_own_question(kangding_supervisor):
    question = draft(kangding_supervisor)
    with pytest.raises(PermissionDenied):
        services.publish_question(question, kangding_supervisor)
    question.refresh_from_db()
    assert question.state == QuestionState.DRAFT and question.reviewed_by is None
    second = supervisor("513300")
    question = services.publish_question(question, second)
    assert question.state == QuestionState.PUBLISHED and question.reviewed_by == second


def test_the_writer_is_told_a_second_reviewer_publishes(client, kangding_supervisor):
    question = draft(kangding_supervisor)
    client.force_login(kangding_supervisor)
    page = client.get(reverse("quizzes:question", args=[question.pk])).content.decode()
    assert "data-needs-second-reviewer" in page and "另一位主管" in page
    assert reverse("quizzes:question_publish", args=[question.pk]) not in page
    refused = client.post(reverse("quizzes:question_publish", args=[question.pk]))
    assert refused.status_code == 403
    assert "不能审核自己" in refused.content.decode()
    second = supervisor("513300")
    client.force_login(second)
    page = client.get(reverse("quizzes:question", args=[question.pk])).content.decode()
    assert reverse("quizzes:question_publish", args=[question.pk]) in page
    assert client.post(reverse("quizzes:question_publish", args=[question.pk])).status_code == 302
    question.refresh_from_db()
    assert question.state == QuestionState.PUBLISHED


def test_the_bank_filters_and_pages_keeping_the_filters(client, operator, kangding_supervisor):
    for n in range(23):
        question = services.save_question(
            operator,
            kind=Kind.SINGLE,
            subsystem=get_subsystem("e_license"),
            stem=f"电子证照第{n}题",
            explanation="",
            options=[("甲", True), ("乙", False)],
        )
        if n % 2:
            services.publish_question(question, kangding_supervisor)
    draft(operator, Kind.TRUE_FALSE, services.true_false_options(True))
    client.force_login(operator)
    url = reverse("quizzes:bank")
    everything = client.get(url)
    assert everything.context["page"].paginator.count == 24
    drafts = client.get(url, {"state": "draft", "kind": "single"})
    assert drafts.context["page"].paginator.count == 12
    text = client.get(url, {"q": "第1"}).context["page"].paginator.count
    assert text == 11  # 第1, 第10 … 第19
    paged = client.get(url, {"state": "", "q": "电子证照"}).content.decode()
    assert "?state=&amp;q=%E7%94%B5%E5%AD%90%E8%AF%81%E7%85%A7&amp;page=2" in paged
    bad = client.get(url, {"kind": "essay"})
    assert bad.status_code == 400 and "选择一个有效的选项" in bad.content.decode()
    assert bad.context["page"].paginator.count == 0
