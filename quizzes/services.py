"""Every change to the question bank, the quizzes and the attempts: one
function each. Refusals are ValidationError with a Chinese message (views
answer 400) or PermissionDenied (403)."""

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk_site.notices.models import Kind as NoticeKind
from helpdesk_site.notices.services import notify
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import Subsystem
from helpdesk_site.tickets.uploads import XLSX, check_upload
from kb.models import Faq, FaqState
from quizzes import scoring, selectors, sheet
from quizzes.models import Attempt, Kind, Option, Question, QuestionState, Quiz, QuizQuestion
from training.selectors import quiz_takers

MAX_OPTIONS = 6
TRUE_TEXT, FALSE_TEXT = "正确", "错误"


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- The question bank ---------------------------------------------------


def check_options(kind: str, options: Sequence[tuple[str, bool]]) -> None:
    """A question can be published only with options that make sense for its
    type: one right answer of two or more options (single), two or more
    right answers of three or more options (multiple), or 正确/错误 with one
    of them right (true/false)."""
    texts = [text.strip() for text, _right in options]
    right = sum(1 for _text, is_right in options if is_right)
    if any(not text for text in texts) or len(set(texts)) != len(texts):
        raise ValidationError(_("Each option needs a text, and no two options may be the same."))
    if kind == Kind.SINGLE and (len(options) < 2 or right != 1):
        raise ValidationError(
            _("A single-choice question needs two options or more, one of them right.")
        )
    if kind == Kind.MULTIPLE and (len(options) < 3 or right < 2):
        raise ValidationError(
            _("A multiple-choice question needs three options or more, two of them right at least.")
        )
    if kind == Kind.TRUE_FALSE and (len(options) != 2 or right != 1):
        raise ValidationError(_("A true-or-false question has the answer 正确 or 错误."))


def _write_options(question: Question, options: Sequence[tuple[str, bool]]) -> None:
    question.options.all().delete()
    Option.objects.bulk_create(
        Option(question=question, position=i, text=text.strip(), is_correct=right)
        for i, (text, right) in enumerate(options, 1)
    )


def true_false_options(statement_is_true: bool | None) -> list[tuple[str, bool]]:
    return [(TRUE_TEXT, statement_is_true is True), (FALSE_TEXT, statement_is_true is False)]


@transaction.atomic
def save_question(
    user,
    *,
    kind: str,
    subsystem,
    stem: str,
    explanation: str,
    options: Sequence[tuple[str, bool]],
    question: Question | None = None,
    now=None,
) -> Question:
    """Write a new draft, or change a draft. Published questions are not
    changed (their quizzes were scored against them): retire and write anew."""
    _require(
        scope.writes_quiz_questions(user), _("Only operators and supervisors write questions.")
    )
    if not stem.strip():
        raise ValidationError(_("The question needs a text."))
    if len(options) > MAX_OPTIONS:
        raise ValidationError(_("A question has six options at most."))
    if question is None:
        question = Question(author=user, created_at=now or timezone.now())
    elif question.state != QuestionState.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed; retire this question and write a new one.")
        )
    question.kind = kind
    question.subsystem = subsystem
    question.stem = stem.strip()
    question.explanation = explanation.strip()
    question.save()
    _write_options(question, options)
    return question


@transaction.atomic
def draft_from_faq(user, faq: Faq, now=None) -> Question:
    """A draft single-choice question from a published FAQ: the FAQ's
    question is the stem and its answer the explanation; the author then
    writes the options and a reviewer publishes it."""
    _require(
        scope.writes_quiz_questions(user), _("Only operators and supervisors write questions.")
    )
    if faq.state != FaqState.PUBLISHED:
        raise ValidationError(_("Questions are drafted from published FAQs only."))
    return Question.objects.create(
        kind=Kind.SINGLE,
        subsystem=faq.subsystem,
        stem=faq.question.strip() or faq.title,
        explanation=faq.answer.strip(),
        source_faq=faq,
        author=user,
        created_at=now or timezone.now(),
    )


# What is wrong with a cell or a row of the import sheet, by sheet.RowError code;
# %(value)s is the error's detail (a limit, or the letters named).
SHEET_ERRORS = {
    "header": gettext_lazy(
        "The first row is not the template's header; download the template and fill it in."
    ),
    "unreadable": gettext_lazy("The file cannot be read as an Excel workbook."),
    "empty": gettext_lazy("The sheet has no questions."),
    "too_many_rows": gettext_lazy("At most %(value)s questions can be imported at once."),
    "kind": gettext_lazy("The type must be 单选, 多选 or 判断."),
    "required": gettext_lazy("This cell must be filled in."),
    "too_long": gettext_lazy("At most %(value)s characters."),
    "option_gap": gettext_lazy("Options are written from A on, without an empty one between."),
    "true_false_options": gettext_lazy(
        "A true-or-false question has no options; write 正确 or 错误 as its answer."
    ),
    "true_false_answer": gettext_lazy("The answer of a true-or-false question is 正确 or 错误."),
    "answer_letters": gettext_lazy(
        "The answer is the letters of the right options, such as B or ACD."
    ),
    "answer_no_option": gettext_lazy("The answer names option %(value)s, which is not written."),
    "options_repeat": gettext_lazy("No two options may be the same."),
    "single_options": gettext_lazy("A single-choice question needs two options or more."),
    "single_answer": gettext_lazy("A single-choice question has exactly one right option."),
    "multiple_options": gettext_lazy("A multiple-choice question needs three options or more."),
    "multiple_answer": gettext_lazy("A multiple-choice question has two right options at least."),
    "subsystem": gettext_lazy("There is no subsystem of this name or code."),
}


def _sheet_error(error: sheet.RowError) -> str:
    """A row's error as the writer reads it: the row, the column and what to fix."""
    text = str(SHEET_ERRORS[error.code])
    if error.details:
        text = text % {"value": error.details[0]}
    if error.column is None:
        return _("Row %(row)d: ") % {"row": error.row} + text
    return (
        _("Row %(row)d, column %(column)s (%(header)s): ")
        % {"row": error.row, "column": error.column_letter, "header": error.header}
        + text
    )


def _subsystems_by_name() -> dict[str, Subsystem]:
    """Subsystems by Chinese name and by code (in any case)."""
    found = {}
    for subsystem in Subsystem.objects.all():
        found[subsystem.code.lower()] = subsystem
        found[subsystem.name] = subsystem
    return found


@transaction.atomic
def import_questions(user, uploaded, now=None) -> list[Question]:
    """Questions from a filled-in import sheet (quizzes/sheet.py), all as
    drafts of the importing writer for a reviewer to publish. All or nothing:
    any row in error, and no question is kept; every error is said with its
    row and column."""
    _require(
        scope.writes_quiz_questions(user), _("Only operators and supervisors write questions.")
    )
    checked = check_upload(uploaded)
    if checked.content_type != XLSX:
        raise ValidationError(_("Upload the filled-in template as an Excel (.xlsx) file."))
    uploaded.seek(0)
    rows, errors = sheet.read_workbook(uploaded.read())
    subsystems = _subsystems_by_name()
    named = {
        row.row: subsystems.get(row.subsystem, subsystems.get(row.subsystem.lower()))
        for row in rows
    }
    errors += [
        sheet.RowError(row.row, sheet.SUBSYSTEM_COLUMN, "subsystem")
        for row in rows
        if row.subsystem and named[row.row] is None
    ]
    if errors:
        errors.sort(key=lambda e: (e.row, -1 if e.column is None else e.column))
        raise ValidationError([_sheet_error(e) for e in errors])
    now = now or timezone.now()
    return [
        save_question(
            user,
            kind=row.kind,
            subsystem=named[row.row],
            stem=row.stem,
            explanation=row.explanation,
            options=list(row.options),
            now=now,
        )
        for row in rows
    ]


@transaction.atomic
def publish_question(question: Question, reviewer, now=None) -> Question:
    _require(scope.reviews_quiz_questions(reviewer), _("Only supervisors review questions."))
    question = Question.objects.select_for_update().get(pk=question.pk)
    _require(
        scope.may_publish_question(reviewer, question),
        _("A second reviewer publishes this question: its writer cannot approve their own."),
    )
    if question.state != QuestionState.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    check_options(question.kind, [(o.text, o.is_correct) for o in question.options.all()])
    question.state = QuestionState.PUBLISHED
    question.reviewed_by = reviewer
    question.reviewed_at = now or timezone.now()
    question.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return question


@transaction.atomic
def retire_question(question: Question, reviewer) -> Question:
    """Retired questions stay in the quizzes that used them and are offered
    to no new quiz."""
    _require(scope.reviews_quiz_questions(reviewer), _("Only supervisors review questions."))
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state != QuestionState.PUBLISHED:
        raise ValidationError(_("Only a published question can be retired."))
    question.state = QuestionState.RETIRED
    question.save(update_fields=["state"])
    return question


# --- Quizzes -------------------------------------------------------------


def _check_settings(pass_mark: int, time_limit_minutes: int, max_attempts: int) -> None:
    if not 1 <= pass_mark <= 100:
        raise ValidationError(_("The pass mark is a percentage from 1 to 100."))
    if not 1 <= time_limit_minutes <= 600:
        raise ValidationError(_("The time limit is from 1 to 600 minutes."))
    if not 1 <= max_attempts <= 10:
        raise ValidationError(_("From 1 to 10 attempts may be allowed."))


@transaction.atomic
def save_quiz(
    session,
    user,
    *,
    pass_mark: int,
    time_limit_minutes: int,
    max_attempts: int,
    question_ids: Iterable[int],
    now=None,
) -> Quiz:
    """Set a session's quiz: its rules and its questions (published ones).
    Fixed once someone has started it, so every attempt is scored alike."""
    _require(
        scope.manages_session_quiz(user, session),
        _("Only the supervisors of the session's region set its quiz."),
    )
    _check_settings(pass_mark, time_limit_minutes, max_attempts)
    quiz = Quiz.objects.select_for_update().filter(session=session).first()
    if quiz is not None and quiz.attempts.exists():
        raise ValidationError(_("People have started this quiz; it can no longer be changed."))
    ids = set(question_ids)
    questions = list(Question.objects.filter(pk__in=ids, state=QuestionState.PUBLISHED))
    if len(questions) != len(ids):
        raise ValidationError(_("Only published questions can be put in a quiz."))
    if quiz is None:
        quiz = Quiz(session=session, created_by=user, created_at=now or timezone.now())
    quiz.pass_mark = pass_mark
    quiz.time_limit_minutes = time_limit_minutes
    quiz.max_attempts = max_attempts
    quiz.save()
    quiz.entries.exclude(question_id__in=ids).delete()
    present = set(quiz.entries.values_list("question_id", flat=True))
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question_id=pk) for pk in sorted(ids - present)
    )
    return quiz


@transaction.atomic
def set_open(quiz: Quiz, user, is_open: bool, now=None, *, announce: bool = True) -> Quiz:
    """Open a quiz to its takers, or close it again. The first opening tells
    the session's invited, enrolled and present people, with a link to the
    quiz; demo data opens past quizzes as history (announce=False) and
    sends no notice about the past."""
    _require(
        scope.manages_session_quiz(user, quiz.session),
        _("Only the supervisors of the session's region set its quiz."),
    )
    now = now or timezone.now()
    quiz = Quiz.objects.select_for_update().select_related("session").get(pk=quiz.pk)
    if is_open and not quiz.entries.exists():
        raise ValidationError(_("Put questions in the quiz before opening it."))
    quiz.opened_at = now if is_open else None
    quiz.save(update_fields=["opened_at"])
    if is_open and announce and quiz.announced_at is None:
        _announce(quiz, now)
    return quiz


def announce_to_newcomers(session, people, at) -> None:
    """People invited after the quiz was announced are told of it too."""
    quiz = Quiz.objects.filter(session=session, announced_at__isnull=False).first()
    if quiz is not None and quiz.opened_at is not None:
        _notify_takers(quiz, people, at)


def _announce(quiz: Quiz, now) -> None:
    _notify_takers(quiz, quiz_takers(quiz.session), now)
    quiz.announced_at = now
    quiz.save(update_fields=["announced_at"])


def _notify_takers(quiz: Quiz, people, now) -> None:
    notify(
        people,
        message=_(
            "The quiz of the training “%(title)s” is open: %(count)d questions, "
            "%(minutes)d minutes once started."
        )
        % {
            "title": quiz.session.title,
            "count": quiz.entries.count(),
            "minutes": quiz.time_limit_minutes,
        },
        kind=NoticeKind.TRAINING,
        link=reverse("quizzes:quiz", args=[quiz.pk]),
        at=now,
    )


# --- Attempts ------------------------------------------------------------


def _keys(attempt: Attempt) -> list[scoring.Key]:
    return selectors.keys(attempt.question_order)


def _score(attempt: Attempt, answers: Mapping, now, *, timed_out: bool) -> Attempt:
    result = scoring.score(
        _keys(attempt),
        {int(q): [int(o) for o in chosen] for q, chosen in answers.items()},
        attempt.quiz.pass_mark,
    )
    attempt.answers = {str(q): list(chosen) for q, chosen in answers.items()}
    attempt.submitted_at = now
    attempt.timed_out = timed_out
    attempt.earned = result.shown_earned
    attempt.percent = result.shown_percent
    attempt.passed = result.passed
    attempt.save()
    return attempt


def start_attempt(quiz: Quiz, user, now=None) -> Attempt:
    """The person's attempt in progress, or a new one with its own order of
    questions and options. Refused when the person may not take the quiz,
    has passed it, or has used up their attempts."""
    now = now or timezone.now()
    _require(scope.may_take_quiz(user, quiz), _("This quiz is not open to you."))
    close_expired(now, user=user, quiz=quiz)
    with transaction.atomic():
        attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
        running = next((a for a in attempts if not a.is_scored), None)
        if running is not None:
            return running
        if any(a.passed for a in attempts):
            raise ValidationError(_("You have passed this quiz already."))
        if len(attempts) >= quiz.max_attempts:
            raise ValidationError(_("You have used all the attempts this quiz allows."))
        question_ids = list(quiz.entries.values_list("question_id", flat=True))
        if not question_ids:
            raise ValidationError(_("This quiz has no questions yet."))
        seed = secrets.randbits(62)
        order, options = scoring.shuffled(selectors.keys(question_ids), seed)
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    quiz=quiz,
                    user=user,
                    department_id=user.department_id,
                    number=len(attempts) + 1,
                    started_at=now,
                    deadline=now + quiz_time_limit(quiz),
                    seed=seed,
                    question_order=order,
                    option_order={str(q): ids for q, ids in options.items()},
                )
        except IntegrityError:
            # A second click started the same attempt at the same moment.
            return Attempt.objects.get(quiz=quiz, user=user, number=len(attempts) + 1)


def quiz_time_limit(quiz: Quiz) -> dt.timedelta:
    return dt.timedelta(minutes=quiz.time_limit_minutes)


def _clean_answers(attempt: Attempt, answers: Mapping) -> dict[int, list[int]]:
    """Answers narrowed to the attempt's own questions and options; a
    single-choice or true/false question with several options chosen is refused."""
    kinds = {k.question_id: k.kind for k in _keys(attempt)}
    clean = {}
    for question, chosen in answers.items():
        try:
            question = int(question)
            chosen = sorted({int(o) for o in chosen})
        except (TypeError, ValueError):
            raise ValidationError(_("The answers sent are not valid.")) from None
        if question not in kinds:
            continue
        allowed = set(attempt.option_order.get(str(question), ()))
        chosen = [o for o in chosen if o in allowed]
        if not scoring.valid_choice(kinds[question], chosen):
            raise ValidationError(_("Choose one option only for a single-choice question."))
        clean[question] = chosen
    return clean


def _locked_own(attempt: Attempt, user) -> Attempt:
    if attempt.user_id != user.pk:
        raise PermissionDenied(_("This is not your attempt."))
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


@transaction.atomic
def save_answers(attempt: Attempt, user, answers: Mapping, now=None) -> Attempt:
    """Keep the answers given so far (the page saves each one as it is
    chosen), so that what was answered before the deadline counts."""
    now = now or timezone.now()
    attempt = _locked_own(attempt, user)
    if attempt.is_scored:
        raise ValidationError(_("This attempt has been submitted already."))
    if not scoring.accepts_answers(now, attempt.deadline):
        raise ValidationError(_("Time is up: answers are no longer accepted."))
    saved = {int(q): chosen for q, chosen in attempt.answers.items()}
    saved.update(_clean_answers(attempt, answers))
    attempt.answers = {str(q): chosen for q, chosen in saved.items()}
    attempt.save(update_fields=["answers"])
    return attempt


@transaction.atomic
def submit(attempt: Attempt, user, answers: Mapping, now=None) -> Attempt:
    """Score the attempt. A repeat of the submission answers the first
    result. After the deadline the answers sent are ignored and the attempt
    is scored with those saved before it (scoring.accepts_answers)."""
    now = now or timezone.now()
    attempt = _locked_own(attempt, user)
    if attempt.is_scored:
        return attempt
    saved = {int(q): chosen for q, chosen in attempt.answers.items()}
    if scoring.accepts_answers(now, attempt.deadline):
        saved.update(_clean_answers(attempt, answers))
        return _score(attempt, saved, now, timed_out=False)
    return _score(attempt, saved, attempt.deadline, timed_out=True)


def close_expired(now=None, *, user=None, quiz=None) -> int:
    """Score the attempts whose time ran out without a submission, as of
    their deadline (run by Celery beat, and before a person's results are read)."""
    now = now or timezone.now()
    due = Attempt.objects.filter(
        submitted_at__isnull=True, deadline__lt=now - scoring.NETWORK_ALLOWANCE
    )
    if user is not None:
        due = due.filter(user=user)
    if quiz is not None:
        due = due.filter(quiz=quiz)
    closed = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(skip_locked=True)
                .select_related("quiz")
                .filter(pk=pk, submitted_at__isnull=True)
                .first()
            )
            if attempt is None:
                continue
            saved = {int(q): chosen for q, chosen in attempt.answers.items()}
            _score(attempt, saved, attempt.deadline, timed_out=True)
            closed += 1
    return closed
