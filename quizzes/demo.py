"""Demo assessment (培训成果考核) for seed_demo, after the training demo: a
published question bank by subsystem, two drafts from FAQs awaiting review,
and a quiz for each session held, taken by the clerks who attended — some
pass at once, some fail then pass, some fail both attempts. Nothing is dated
after `now`. Idempotent."""

import datetime as dt

from helpdesk_site.tickets.models import Subsystem
from kb.models import Faq, FaqState
from quizzes import services
from quizzes.models import Kind, Option, Question, Quiz
from training.models import Attendance, TrainingSession

# (subsystem, kind, stem, options as (text, right), explanation)
BANK = [
    (
        "service_items",
        Kind.SINGLE,
        "实施清单在哪个系统中认领、编辑和发布？",
        [("综合受办平台", False), ("事项管理系统", True), ("电子证照管理系统", False)],
        "目录清单和实施清单都在事项管理系统中维护，认领后编辑、审核、发布。",
    ),
    (
        "service_items",
        Kind.MULTIPLE,
        "实施清单发布前须经过哪些步骤？",
        [("认领", True), ("编辑", True), ("审核", True), ("制章", False)],
        "实施清单认领后编辑要素，提交审核，审核通过后发布。",
    ),
    (
        "service_items",
        Kind.TRUE_FALSE,
        "实施清单被退回后，可以修改后重新提交审核。",
        "true",
        "退回的实施清单按退回意见修改后重新提交。",
    ),
    (
        "e_license",
        Kind.SINGLE,
        "制作电子证照前必须先完成哪项工作？",
        [("发布证照模板", True), ("申领电子印章", False), ("编目", False)],
        "证照模板发布后才能按模板制作电子证照。",
    ),
    (
        "e_seal",
        Kind.MULTIPLE,
        "以下哪些属于电子印章管理系统的操作？",
        [("印章认领", True), ("制章", True), ("办件受理", False), ("资源编目", False)],
        "电子印章管理系统负责印章的认领和制作。",
    ),
    (
        "e_seal",
        Kind.TRUE_FALSE,
        "电子印章可以由任何工作人员自行制作，无需审批。",
        "false",
        "制章须经本单位审批后由系统管理员办理。",
    ),
    (
        "case_handling",
        Kind.SINGLE,
        "综合受办平台中，超过办理时限仍未办结的办件称为什么？",
        [("超期件", True), ("退件", False), ("补正件", False)],
        "超期件会在综合受办平台中标出，须尽快处理。",
    ),
    (
        "case_handling",
        Kind.MULTIPLE,
        "办件受理后可能进入哪些环节？",
        [("补正", True), ("办结", True), ("好差评", True), ("编目", False)],
        "办件受理后按需补正，办结后群众可以评价。",
    ),
    (
        "case_handling",
        Kind.TRUE_FALSE,
        "乡镇和村（社区）的办件也通过综合受办平台受理。",
        "true",
        "",
    ),
]
# Per clerk (by position among the attendees): the share of questions
# answered right in the first and second attempt; None: no second attempt.
PATTERNS = [(1.0, None), (0.4, 0.8), (0.7, None), (0.2, 0.3), (0.9, None), (0.5, None)]


def seed(accounts: dict, now: dt.datetime) -> int:
    """Returns how many attempts were added."""
    operator, reviewer = accounts.get("operator"), accounts.get("gz_supervisor")
    if operator is None or reviewer is None:
        return 0
    first = TrainingSession.objects.order_by("starts_at").first()
    written = min(now, first.starts_at) - dt.timedelta(days=14) if first else now
    bank = _bank(operator, reviewer, written)
    added = 0
    held = TrainingSession.objects.filter(ends_at__lte=now, cancelled=False).order_by("starts_at")
    for session in held:
        quiz = Quiz.objects.filter(session=session).first()
        if quiz is None:
            codes = set(session.subsystems.values_list("code", flat=True))
            chosen = [q for q in bank if q.subsystem and q.subsystem.code in codes]
            quiz = services.save_quiz(
                session,
                reviewer,
                pass_mark=60,
                time_limit_minutes=20,
                max_attempts=2,
                question_ids=[q.pk for q in _at_least(chosen, bank, 5)],
                now=min(now, session.starts_at),
            )
            quiz = services.set_open(
                quiz,
                reviewer,
                True,
                now=session.ends_at - dt.timedelta(minutes=30),
                announce=False,
            )
        added += _attempts(quiz, session, now)
    return added


def _at_least(chosen, bank, n):
    extra = [q for q in bank if q not in chosen]
    return chosen + extra[: max(0, n - len(chosen))]


def _bank(operator, reviewer, now) -> list[Question]:
    questions = []
    for code, kind, stem, options, explanation in BANK:
        question = Question.objects.filter(stem=stem).first()
        if question is None:
            if kind == Kind.TRUE_FALSE:
                options = services.true_false_options(options == "true")
            question = services.save_question(
                operator,
                kind=kind,
                subsystem=Subsystem.objects.filter(code=code).first(),
                stem=stem,
                explanation=explanation,
                options=options,
                now=now,
            )
            question = services.publish_question(question, reviewer, now=now)
        questions.append(question)
    _faq_drafts(operator, now)
    return questions


def _faq_drafts(operator, now) -> None:
    """Two questions drafted from published FAQs, left for a supervisor to review."""
    if Question.objects.filter(source_faq__isnull=False).exists():
        return
    for faq in Faq.objects.filter(state=FaqState.PUBLISHED).order_by("pk")[:2]:
        services.draft_from_faq(operator, faq, now=now)


def _answers(attempt, share: float) -> dict:
    """Right answers to the first `share` of the questions in the attempt's
    order, a wrong option to the rest."""
    right_count = round(share * len(attempt.question_order))
    answers = {}
    for n, question in enumerate(attempt.question_order):
        options = list(Option.objects.filter(question_id=question).order_by("position"))
        if n < right_count:
            answers[str(question)] = [o.pk for o in options if o.is_correct]
        else:
            answers[str(question)] = [next(o.pk for o in options if not o.is_correct)]
    return answers


def _attempts(quiz, session, now) -> int:
    present = Attendance.objects.filter(session=session, present=True).select_related("user")
    added = 0
    for n, attendance in enumerate(present.order_by("user__username")):
        clerk = attendance.user
        if quiz.attempts.filter(user=clerk).exists():
            continue
        first, second = PATTERNS[n % len(PATTERNS)]
        start = session.ends_at - dt.timedelta(minutes=25) + dt.timedelta(minutes=n % 7)
        if start + dt.timedelta(minutes=15) > now:
            continue
        attempt = services.start_attempt(quiz, clerk, now=start)
        attempt = services.submit(
            attempt, clerk, _answers(attempt, first), now=start + dt.timedelta(minutes=12)
        )
        added += 1
        retry = start + dt.timedelta(days=1)
        if not attempt.passed and second is not None and retry + dt.timedelta(minutes=15) <= now:
            again = services.start_attempt(quiz, clerk, now=retry)
            services.submit(
                again, clerk, _answers(again, second), now=retry + dt.timedelta(minutes=14)
            )
            added += 1
    return added
