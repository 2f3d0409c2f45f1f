"""Reads of the question bank, the quizzes and the results; who may see
what is asked of the scope module (helpdesk_site/tickets/scope.py, section
"Quizzes"). Nothing here writes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from helpdesk_site.tickets import scope
from kb.models import Faq, FaqState
from quizzes import scoring
from quizzes.models import Attempt, Option, Question, QuestionState, Quiz
from training.models import TrainingSession


def keys(question_ids: Iterable[int]) -> list[scoring.Key]:
    """The scoring keys of these questions, in the order given."""
    question_ids = [int(q) for q in question_ids]
    options = defaultdict(list)
    correct = defaultdict(set)
    for option in Option.objects.filter(question_id__in=question_ids).order_by("position", "pk"):
        options[option.question_id].append(option.pk)
        if option.is_correct:
            correct[option.question_id].add(option.pk)
    kinds = dict(Question.objects.filter(pk__in=question_ids).values_list("pk", "kind"))
    return [
        scoring.Key(q, kinds[q], tuple(options[q]), frozenset(correct[q]))
        for q in question_ids
        if q in kinds
    ]


# --- The bank -------------------------------------------------------------


def bank(user) -> QuerySet[Question]:
    if not scope.writes_quiz_questions(user):
        return Question.objects.none()
    return Question.objects.select_related("subsystem", "author", "reviewed_by", "source_faq")


def question_or_404(user, pk) -> Question:
    try:
        return bank(user).prefetch_related("options").get(pk=pk)
    except (Question.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def published_questions(subsystems=None) -> QuerySet[Question]:
    questions = Question.objects.filter(state=QuestionState.PUBLISHED).select_related("subsystem")
    if subsystems:
        questions = questions.filter(subsystem__in=subsystems)
    return questions.prefetch_related("options")


def faqs_to_draft(text: str = "") -> QuerySet[Faq]:
    """Published FAQs, the newest first, for drafting questions from."""
    faqs = Faq.objects.filter(state=FaqState.PUBLISHED).select_related("kbitem", "subsystem")
    if text:
        faqs = faqs.filter(Q(kbitem__title__icontains=text) | Q(kbitem__question__icontains=text))
    return faqs.order_by("-published_at", "-id")


def drafted_faq_ids(faq_ids) -> set[int]:
    return set(
        Question.objects.filter(source_faq_id__in=list(faq_ids)).values_list(
            "source_faq_id", flat=True
        )
    )


# --- Quizzes --------------------------------------------------------------


def quiz_or_404(pk) -> Quiz:
    try:
        return Quiz.objects.select_related("session", "session__plan__region").get(pk=pk)
    except (Quiz.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def quiz_of_session(session) -> Quiz | None:
    return Quiz.objects.filter(session=session).first()


def quiz_questions(quiz: Quiz) -> list[Question]:
    return list(
        Question.objects.filter(quizzes=quiz)
        .select_related("subsystem")
        .prefetch_related("options")
        .order_by("subsystem__code", "pk")
    )


def own_attempts(user, quiz: Quiz) -> list[Attempt]:
    return list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))


@dataclass(frozen=True)
class Standing:
    """Where a person stands with a quiz: their attempts, the one running,
    the best score, and whether they may start another."""

    attempts: list
    running: Attempt | None
    best: Attempt | None
    passed: bool
    attempts_left: int

    @property
    def may_start(self) -> bool:
        return self.running is None and not self.passed and self.attempts_left > 0


def standing(user, quiz: Quiz) -> Standing:
    attempts = own_attempts(user, quiz)
    scored = [a for a in attempts if a.is_scored]
    running = next((a for a in attempts if not a.is_scored), None)
    best = max(scored, key=lambda a: (a.percent, -a.number), default=None)
    return Standing(
        attempts=attempts,
        running=running,
        best=best,
        passed=any(a.passed for a in scored),
        attempts_left=max(0, quiz.max_attempts - len(attempts)),
    )


def attempt_or_404(user, pk) -> Attempt:
    """An attempt the user may read: their own, or in their results scope."""
    try:
        return (
            Attempt.objects.filter(scope.quiz_attempts_q(user))
            .select_related("quiz", "quiz__session", "user", "department")
            .get(pk=pk)
        )
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class ShownOption:
    id: int
    text: str
    chosen: bool
    correct: bool


@dataclass
class ShownQuestion:
    number: int
    question: Question
    options: list[ShownOption]
    credit: object = None


def shown_questions(attempt: Attempt, with_key: bool) -> list[ShownQuestion]:
    """The attempt's questions and options in the order it showed them; the
    right answers only when `with_key` (never while it runs)."""
    ids = [int(q) for q in attempt.question_order]
    questions = Question.objects.in_bulk(ids)
    options = Option.objects.in_bulk(
        [int(o) for order in attempt.option_order.values() for o in order]
    )
    chosen = {int(q): {int(o) for o in c} for q, c in attempt.answers.items()}
    credits = {}
    if attempt.is_scored:
        credits = scoring.score(keys(ids), chosen, attempt.quiz.pass_mark).credits
    shown = []
    for number, pk in enumerate(ids, 1):
        question = questions.get(pk)
        if question is None:
            continue
        shown.append(
            ShownQuestion(
                number=number,
                question=question,
                options=[
                    ShownOption(
                        id=o,
                        text=options[o].text,
                        chosen=o in chosen.get(pk, ()),
                        correct=with_key and options[o].is_correct,
                    )
                    for o in (int(x) for x in attempt.option_order.get(str(pk), ()))
                    if o in options
                ],
                credit=credits.get(pk),
            )
        )
    return shown


def shows_key(attempt: Attempt, viewer) -> bool:
    """The right answers are shown after submission, to the person once they
    cannot try again (passed, or out of attempts), and to those who read
    others' results; never while an attempt may follow that could use them."""
    if not attempt.is_scored:
        return False
    if viewer.pk != attempt.user_id:
        return True
    now = standing(viewer, attempt.quiz)
    return now.running is None and (now.passed or now.attempts_left == 0)


# --- Results --------------------------------------------------------------


@dataclass
class PersonResult:
    user: object
    department: object
    attempts: int
    best: Attempt
    passed_attempt: Attempt | None

    @property
    def passed(self) -> bool:
        return self.passed_attempt is not None


@dataclass
class DepartmentResult:
    department: object
    people: int = 0
    passed: int = 0
    total_percent: Decimal = Decimal(0)

    @property
    def pass_rate(self) -> Decimal | None:
        return (
            (Decimal(100) * self.passed / self.people).quantize(Decimal("0.1"))
            if self.people
            else None
        )

    @property
    def average(self) -> Decimal | None:
        return (self.total_percent / self.people).quantize(Decimal("0.1")) if self.people else None


@dataclass
class QuizResults:
    people: list[PersonResult] = field(default_factory=list)
    departments: list[DepartmentResult] = field(default_factory=list)

    @property
    def passed(self) -> list[PersonResult]:
        return [p for p in self.people if p.passed]


def scored_attempts(user, quizzes=None) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(scope.quiz_attempts_q(user), submitted_at__isnull=False)
    if quizzes is not None:
        attempts = attempts.filter(quiz__in=quizzes)
    return attempts.select_related(
        "user", "department", "department__region", "quiz", "quiz__session"
    )


def results(attempts: Iterable[Attempt]) -> QuizResults:
    """Per person (their best attempt, and their first passing one) and per
    department (people who took it, people who passed, their average best
    score), from scored attempts of one quiz or several."""
    by_person: dict[tuple, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_person[(attempt.quiz_id, attempt.user_id)].append(attempt)
    people = []
    for group in by_person.values():
        group.sort(key=lambda a: a.number)
        best = max(group, key=lambda a: (a.percent, -a.number))
        passed = next((a for a in group if a.passed), None)
        department = (passed or group[-1]).department
        people.append(PersonResult(group[0].user, department, len(group), best, passed))
    people.sort(
        key=lambda p: (
            str(p.department) if p.department else "",
            p.user.display_name(),
            p.best.quiz_id,
        )
    )
    departments: dict = {}
    for person in people:
        row = departments.setdefault(person.department, DepartmentResult(person.department))
        row.people += 1
        row.passed += person.passed
        row.total_percent += person.best.percent
    return QuizResults(
        people=people,
        departments=sorted(departments.values(), key=lambda d: str(d.department or "")),
    )


def quiz_results(user, quiz: Quiz) -> QuizResults:
    return results(scored_attempts(user, [quiz]))


def person_result(user, quiz: Quiz, person_id) -> PersonResult:
    """One person's result, if the user may read it."""
    attempts = scored_attempts(user, [quiz]).filter(user_id=person_id)
    found = results(attempts).people
    if not found:
        raise Http404
    return found[0]


def my_quizzes(user) -> list[tuple[Quiz, Standing]]:
    """Open quizzes the user may take or has taken, the newest session first."""
    quizzes = (
        Quiz.objects.filter(Q(opened_at__isnull=False) | Q(attempts__user=user))
        .distinct()
        .select_related("session")
    )
    shown = []
    for quiz in quizzes.order_by("-session__starts_at"):
        taken = Attempt.objects.filter(quiz=quiz, user=user).exists()
        if taken or scope.may_take_quiz(user, quiz):
            shown.append((quiz, standing(user, quiz)))
    return shown


def result_quizzes(user) -> QuerySet[Quiz]:
    """Quizzes whose results a supervisor reads: those of their region's
    sessions, and those their region's people took."""
    quizzes = Quiz.objects.select_related("session", "session__plan__region")
    if not scope.reads_quiz_results(user):
        return quizzes.none()
    root = scope.reported_region(user)
    taken = Attempt.objects.filter(scope.quiz_attempts_q(user)).values("quiz_id")
    return quizzes.filter(
        Q(session__plan__region__code__startswith=root.subtree_prefix) | Q(pk__in=taken)
    ).order_by("-session__starts_at", "-pk")


def period_attempts(region, start, end) -> QuerySet[Attempt]:
    """Scored attempts at the quizzes of sessions held from `start` to `end`
    (instants), made in departments of `region`'s subtree: what a report of
    that region and period counts."""
    return Attempt.objects.filter(
        submitted_at__isnull=False,
        quiz__session__starts_at__gte=start,
        quiz__session__starts_at__lt=end,
        department__region__code__startswith=region.subtree_prefix,
    ).select_related("user", "department", "department__region", "quiz", "quiz__session")


@dataclass
class SessionResult:
    quiz: Quiz
    people: int
    passed: int
    average: Decimal | None

    @property
    def pass_rate(self) -> Decimal | None:
        return (
            (Decimal(100) * self.passed / self.people).quantize(Decimal("0.1"))
            if self.people
            else None
        )


def per_session(found: QuizResults) -> list[SessionResult]:
    groups: dict = defaultdict(list)
    for person in found.people:
        groups[person.best.quiz].append(person)
    rows = []
    for quiz, people in groups.items():
        total = sum((p.best.percent for p in people), Decimal(0))
        rows.append(
            SessionResult(
                quiz=quiz,
                people=len(people),
                passed=sum(1 for p in people if p.passed),
                average=(total / len(people)).quantize(Decimal("0.1")),
            )
        )
    return sorted(rows, key=lambda r: (r.quiz.session.starts_at, r.quiz.pk))


def managed_sessions(user):
    """Training sessions whose quiz the user sets, the latest first."""
    return (
        scope.quiz_managed_sessions(user)
        .select_related("plan__region", "quiz")
        .order_by("-starts_at", "-pk")
    )


def session_or_404(pk):
    try:
        return TrainingSession.objects.select_related("plan__region").get(pk=pk)
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
