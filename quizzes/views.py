import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site import lists
from helpdesk_site.tickets import idempotency, scope
from helpdesk_site.tickets.uploads import XLSX
from kb.selectors import readable_faq_or_404
from quizzes import scoring, selectors, services, sheet
from quizzes.filters import QuestionFilter
from quizzes.forms import (
    FaqSearchForm,
    QuestionForm,
    QuestionImportForm,
    QuizForm,
)
from quizzes.models import Kind, QuestionState

PAGE_SIZE = 20


def _bad(request, message, status=400):
    return render(request, "quizzes/bad_request.html", {"message": message}, status=status)


def _refusal(error: ValidationError) -> str:
    return "；".join(error.messages)


def _require_writer(user):
    if not scope.writes_quiz_questions(user):
        raise PermissionDenied(_("The question bank is for operators and supervisors."))


def _require_results(user):
    if not scope.reads_quiz_results(user):
        raise PermissionDenied(_("Results are for supervisors."))


@login_required
def index(request):
    """考核: the quizzes a person may take, and for staff the bank and the
    sessions' quizzes."""
    user = request.user
    return render(
        request,
        "quizzes/index.html",
        {
            "mine": selectors.my_quizzes(user),
            "writes": scope.writes_quiz_questions(user),
            "reads_results": scope.reads_quiz_results(user),
            "sessions": list(selectors.managed_sessions(user)[:30]),
            "result_quizzes": list(selectors.result_quizzes(user)[:30]),
        },
    )


# --- The bank -------------------------------------------------------------


@login_required
def bank(request):
    _require_writer(request.user)
    listing = lists.filtered_page(
        request, QuestionFilter, selectors.bank(request.user), per_page=PAGE_SIZE
    )
    return render(
        request,
        "quizzes/bank.html",
        {
            "form": listing.form,
            "page": listing.page,
            "query": listing.query,
            "reviews": scope.reviews_quiz_questions(request.user),
        },
        status=listing.status,
    )


def _save_question(request, form, question):
    try:
        return services.save_question(
            request.user,
            kind=form.cleaned_data["kind"],
            subsystem=form.cleaned_data["subsystem"],
            stem=form.cleaned_data["stem"],
            explanation=form.cleaned_data["explanation"],
            options=form.options(),
            question=question,
        )
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return None


def _once(request, action, perform) -> idempotency.Outcome:
    """Make a creating post's change once per submit token (a second click
    or a resent form answers the first result)."""
    token = request.POST.get(idempotency.TOKEN_FIELD, "")
    if token and not idempotency.valid_key(token):
        raise ValidationError(str(idempotency.INVALID_KEY_MESSAGE))
    try:
        return idempotency.once(
            user=request.user, key=token, action=action, data=request.POST, perform=perform
        )
    except idempotency.KeyReused:
        raise ValidationError(str(idempotency.REUSED_MESSAGE)) from None


def _question_url(question) -> str:
    return reverse("quizzes:question", kwargs={"pk": question.pk})


@login_required
def question_new(request):
    _require_writer(request.user)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data

            def create():
                question = services.save_question(
                    request.user,
                    kind=data["kind"],
                    subsystem=data["subsystem"],
                    stem=data["stem"],
                    explanation=data["explanation"],
                    options=form.options(),
                )
                return idempotency.Outcome.redirect(_question_url(question))

            try:
                outcome = _once(request, "quizzes.question", create)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("Saved as a draft; a supervisor publishes it."))
                return redirect(outcome.location)
        status = 400
    else:
        status = 200
    return render(request, "quizzes/question_form.html", {"form": form}, status=status)


@login_required
def question_import(request):
    """Many questions at once from the import template, as drafts for review;
    a sheet with any error imports nothing and lists every error."""
    _require_writer(request.user)
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():

            def perform():
                imported = services.import_questions(request.user, form.cleaned_data["file"])
                return idempotency.Outcome.redirect(
                    reverse("quizzes:bank") + "?state=draft", count=len(imported)
                )

            try:
                outcome = _once(request, "quizzes.import", perform)
            except ValidationError as refusal:
                errors = refusal.messages
            else:
                messages.success(
                    request,
                    _("Imported %(count)d questions as drafts; another supervisor reviews them.")
                    % {"count": outcome.body["count"]},
                )
                return redirect(outcome.location)
        status = 400
    return render(
        request, "quizzes/question_import.html", {"form": form, "errors": errors}, status=status
    )


@login_required
def import_template(request):
    _require_writer(request.user)
    return FileResponse(
        io.BytesIO(sheet.template_bytes()),
        as_attachment=True,
        filename=sheet.TEMPLATE_NAME,
        content_type=XLSX,
    )


@login_required
def question(request, pk):
    """A question: its options and right answers; a draft can be edited here."""
    _require_writer(request.user)
    question = selectors.question_or_404(request.user, pk)
    editable = question.state == QuestionState.DRAFT
    status = 200
    if request.method == "POST":
        if not editable:
            return _bad(
                request, _("Only a draft can be changed; retire this question and write a new one.")
            )
        form = QuestionForm(request.POST)
        if form.is_valid() and _save_question(request, form, question) is not None:
            messages.success(request, _("Saved."))
            return redirect("quizzes:question", pk=question.pk)
        status = 400
    else:
        form = QuestionForm(initial=QuestionForm.initial_for(question))
    return render(
        request,
        "quizzes/question.html",
        {
            "question": question,
            "options": question.options.all(),
            "form": form,
            "editable": editable,
            "reviews": scope.reviews_quiz_questions(request.user),
            "may_publish": scope.may_publish_question(request.user, question),
        },
        status=status,
    )


@login_required
@require_POST
def question_publish(request, pk):
    _require_writer(request.user)
    question = selectors.question_or_404(request.user, pk)
    try:
        services.publish_question(question, request.user)
    except PermissionDenied as refusal:
        return _bad(request, str(refusal), status=403)
    except ValidationError as refusal:
        return _bad(request, _refusal(refusal))
    messages.success(request, _("Published: the question can now be put in quizzes."))
    return redirect("quizzes:question", pk=question.pk)


@login_required
@require_POST
def question_retire(request, pk):
    _require_writer(request.user)
    question = selectors.question_or_404(request.user, pk)
    try:
        services.retire_question(question, request.user)
    except ValidationError as refusal:
        return _bad(request, _refusal(refusal))
    messages.success(request, _("Retired: no new quiz will use this question."))
    return redirect("quizzes:question", pk=question.pk)


@login_required
def faqs(request):
    """Published FAQs to draft questions from."""
    _require_writer(request.user)
    form = FaqSearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_bound and form.is_valid() else ""
    page = Paginator(selectors.faqs_to_draft(text), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quizzes/faqs.html",
        {
            "form": form,
            "page": page,
            "drafted": selectors.drafted_faq_ids(f.pk for f in page),
            "query": f"q={text}" if text else "",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_POST
def draft_from_faq(request, faq_id):
    _require_writer(request.user)
    faq = readable_faq_or_404(request.user, faq_id)

    def draft():
        return idempotency.Outcome.redirect(
            _question_url(services.draft_from_faq(request.user, faq))
        )

    try:
        outcome = _once(request, f"quizzes.draft_from_faq.{faq.pk}", draft)
    except ValidationError as refusal:
        return _bad(request, _refusal(refusal))
    messages.success(
        request, _("Drafted from the FAQ: write the options and mark the right answer.")
    )
    return redirect(outcome.location)


# --- A session's quiz -----------------------------------------------------


@login_required
def session_quiz(request, session_id):
    """The way in from a training session: its supervisors set the quiz
    here; everyone else goes on to the quiz itself."""
    session = selectors.session_or_404(session_id)
    quiz = selectors.quiz_of_session(session)
    if not scope.manages_session_quiz(request.user, session):
        if quiz is None:
            raise Http404
        return redirect("quizzes:quiz", pk=quiz.pk)
    locked = quiz is not None and quiz.attempts.exists()
    subsystems = list(session.subsystems.all())
    offered = selectors.published_questions()
    chosen = set(quiz.entries.values_list("question_id", flat=True)) if quiz else set()
    initial = {}
    if quiz is not None:
        initial = {
            "pass_mark": quiz.pass_mark,
            "time_limit_minutes": quiz.time_limit_minutes,
            "max_attempts": quiz.max_attempts,
            "questions": list(chosen),
        }
    form = QuizForm(request.POST or None, initial=initial, questions=offered)
    status = 200
    if request.method == "POST":
        if locked:
            return _bad(request, _("People have started this quiz; it can no longer be changed."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                quiz = services.save_quiz(
                    session,
                    request.user,
                    pass_mark=data["pass_mark"],
                    time_limit_minutes=data["time_limit_minutes"],
                    max_attempts=data["max_attempts"],
                    question_ids=[q.pk for q in data["questions"]],
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("The quiz is saved."))
                return redirect("quizzes:session", session_id=session.pk)
        status = 400
    suggested = {q.pk for q in offered if q.subsystem_id in {s.pk for s in subsystems}}
    return render(
        request,
        "quizzes/session_quiz.html",
        {
            "session": session,
            "quiz": quiz,
            "form": form,
            "locked": locked,
            "subsystems": subsystems,
            "suggested": suggested,
            "questions": selectors.quiz_questions(quiz) if quiz else [],
        },
        status=status,
    )


@login_required
@require_POST
def quiz_open(request, pk):
    quiz = selectors.quiz_or_404(pk)
    is_open = request.POST.get("open") == "1"
    try:
        services.set_open(quiz, request.user, is_open)
    except ValidationError as refusal:
        return _bad(request, _refusal(refusal))
    messages.success(
        request, _("The quiz is open to its takers.") if is_open else _("The quiz is closed.")
    )
    return redirect("quizzes:session", session_id=quiz.session_id)


@login_required
def quiz(request, pk):
    """A quiz as its taker sees it: the rules, their attempts, start."""
    quiz = selectors.quiz_or_404(pk)
    user = request.user
    manages = scope.manages_session_quiz(user, quiz.session)
    may_take = scope.may_take_quiz(user, quiz)
    services.close_expired(user=user, quiz=quiz)
    standing = selectors.standing(user, quiz)
    if not (may_take or standing.attempts or manages or scope.reads_quiz_results(user)):
        raise Http404
    return render(
        request,
        "quizzes/quiz.html",
        {
            "quiz": quiz,
            "session": quiz.session,
            "standing": standing,
            "may_take": may_take,
            "manages": manages,
            "reads_results": scope.reads_quiz_results(user),
            "question_count": quiz.entries.count(),
        },
    )


@login_required
@require_POST
def start(request, pk):
    quiz = selectors.quiz_or_404(pk)
    try:
        attempt = services.start_attempt(quiz, request.user)
    except ValidationError as refusal:
        return _bad(request, _refusal(refusal))
    return redirect("quizzes:attempt", pk=attempt.pk)


# --- Attempts -------------------------------------------------------------


def _posted_answers(request, attempt) -> dict:
    """The answers in a post: q<question id> = option ids (an empty value
    says the question was left unanswered)."""
    return {
        str(q): [value for value in request.POST.getlist(f"q{q}") if value]
        for q in attempt.question_order
        if f"q{q}" in request.POST
    }


@login_required
def attempt(request, pk):
    """A running attempt (one's own) to answer, or a scored one's result."""
    attempt = selectors.attempt_or_404(request.user, pk)
    if not attempt.is_scored:
        services.close_expired(user=attempt.user, quiz=attempt.quiz)
        attempt.refresh_from_db()
    if not attempt.is_scored:
        if attempt.user_id != request.user.pk:
            raise Http404
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        return render(
            request,
            "quizzes/take.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "questions": selectors.shown_questions(attempt, with_key=False),
                "remaining": remaining,
                "multiple": Kind.MULTIPLE,
            },
        )
    with_key = selectors.shows_key(attempt, request.user)
    own = attempt.user_id == request.user.pk
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": selectors.shown_questions(attempt, with_key=with_key),
            "with_key": with_key,
            "own": own,
            "standing": selectors.standing(request.user, attempt.quiz) if own else None,
            "half": scoring.HALF,
            "full": scoring.FULL,
        },
    )


@login_required
@require_POST
def save(request, pk):
    """The taking page saves each answer as it is given (JSON answer)."""
    attempt = selectors.attempt_or_404(request.user, pk)
    try:
        services.save_answers(attempt, request.user, _posted_answers(request, attempt))
    except PermissionDenied as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    except ValidationError as refusal:
        return JsonResponse({"error": _refusal(refusal)}, status=409)
    return JsonResponse({"saved": True})


@login_required
@require_POST
def submit(request, pk):
    attempt = selectors.attempt_or_404(request.user, pk)
    try:
        attempt = services.submit(attempt, request.user, _posted_answers(request, attempt))
    except ValidationError as refusal:
        return _bad(request, _refusal(refusal))
    if attempt.timed_out:
        messages.warning(
            request,
            _("Time was up: the answers saved before the deadline were scored."),
        )
    return redirect("quizzes:attempt", pk=attempt.pk)


# --- Results --------------------------------------------------------------


@login_required
def results(request, pk):
    """Scores per person and per department, within the reader's scope."""
    _require_results(request.user)
    quiz = selectors.quiz_or_404(pk)
    services.close_expired(quiz=quiz)
    found = selectors.quiz_results(request.user, quiz)
    if not found.people and not scope.manages_session_quiz(request.user, quiz.session):
        raise Http404
    return render(
        request,
        "quizzes/results.html",
        {"quiz": quiz, "session": quiz.session, "found": found},
    )


@login_required
def scores(request):
    """Every quiz the supervisor reads, per person and per department."""
    _require_results(request.user)
    services.close_expired()
    found = selectors.results(
        selectors.scored_attempts(request.user, selectors.result_quizzes(request.user))
    )
    return render(request, "quizzes/scores.html", {"found": found})


@login_required
def passes(request, pk):
    """The printable list of those who passed (合格人员名单)."""
    _require_results(request.user)
    quiz = selectors.quiz_or_404(pk)
    found = selectors.quiz_results(request.user, quiz)
    return render(
        request,
        "quizzes/passes.html",
        {
            "quiz": quiz,
            "session": quiz.session,
            "passed": found.passed,
            "today": timezone.localdate(),
        },
    )


@login_required
def certificate(request, pk, user_id):
    """A person's certificate (培训合格证明), for them and their supervisors."""
    quiz = selectors.quiz_or_404(pk)
    person = selectors.person_result(request.user, quiz, user_id)
    if not person.passed:
        raise Http404
    return render(
        request,
        "quizzes/certificate.html",
        {"quiz": quiz, "session": quiz.session, "person": person},
    )
