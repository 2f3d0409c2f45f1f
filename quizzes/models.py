"""Training assessment (培训成果考核): the question bank, one quiz per
training session, and each person's attempts."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from helpdesk_site.people.models import Department
from helpdesk_site.tickets.models import Subsystem
from quizzes import scoring


class Kind(models.TextChoices):
    SINGLE = scoring.SINGLE, _("Single choice")
    MULTIPLE = scoring.MULTIPLE, _("Multiple choice")
    TRUE_FALSE = scoring.TRUE_FALSE, _("True or false")


class QuestionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("question", "Draft")
    PUBLISHED = "published", pgettext_lazy("question", "Published")
    RETIRED = "retired", pgettext_lazy("question", "Retired")


class Question(models.Model):
    """A question of the bank (题库), by subsystem. A draft is used in no
    quiz until a reviewer publishes it."""

    kind = models.CharField(_("question type"), max_length=12, choices=Kind.choices)
    subsystem = models.ForeignKey(
        Subsystem,
        verbose_name=_("subsystem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stem = models.TextField(_("question"))
    explanation = models.TextField(_("explanation"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=QuestionState.choices,
        default=QuestionState.DRAFT,
        db_index=True,
    )
    source_faq = models.ForeignKey(
        "kb.Faq",
        verbose_name=_("drafted from FAQ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("quiz", "author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["subsystem__code", "-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("question bank")

    def __str__(self):
        return self.stem[:60]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(pgettext_lazy("quiz", "position"))
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("right answer"), default=False)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="quiz_option_position")
        ]

    def __str__(self):
        return self.text


class Quiz(models.Model):
    """The assessment of one training session (培训考核)."""

    session = models.OneToOneField(
        "training.TrainingSession",
        verbose_name=_("training session"),
        on_delete=models.PROTECT,
        related_name="quiz",
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=30)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=2)
    questions = models.ManyToManyField(
        Question, verbose_name=_("questions"), through="QuizQuestion", related_name="quizzes"
    )
    # Takers see it only once opened; its questions are fixed from then on.
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    # When its takers were told it opened: once, however often it is closed and reopened.
    announced_at = models.DateTimeField(_("takers notified"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-session__starts_at", "-id"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                name="quiz_pass_mark_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__gte=1), name="quiz_time_limit_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_attempts__gte=1), name="quiz_one_attempt_at_least"
            ),
        ]

    def __str__(self):
        return gettext("Quiz of %(session)s") % {"session": self.session}

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="entries")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["quiz", "id"]
        verbose_name = _("question of a quiz")
        verbose_name_plural = _("questions of a quiz")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once")
        ]

    def __str__(self):
        return f"{self.quiz_id}:{self.question_id}"


class Attempt(models.Model):
    """One person's go at a quiz (一次作答): the order shown, the answers
    saved, and once submitted or out of time, the score."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="quiz_attempts",
    )
    # Where the person worked when they took it, for results per department.
    department = models.ForeignKey(
        Department,
        verbose_name=pgettext_lazy("quiz", "department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(pgettext_lazy("quiz", "started"))
    deadline = models.DateTimeField(pgettext_lazy("quiz", "deadline"))
    seed = models.BigIntegerField()
    # [question id, ...] and {question id: [option id, ...]} as shown.
    question_order = models.JSONField(default=list)
    option_order = models.JSONField(default=dict)
    # {question id: [option id, ...]} as saved so far.
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Closed at the deadline without the person's submission in time.
    timed_out = models.BooleanField(_("scored at the deadline"), default=False)
    earned = models.DecimalField(_("points"), max_digits=6, decimal_places=1, null=True)
    percent = models.DecimalField(_("score (%)"), max_digits=4, decimal_places=1, null=True)
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        ordering = ["quiz", "user", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="quiz_attempt_number")
        ]
        indexes = [
            models.Index(fields=["submitted_at", "deadline"], name="quiz_attempt_open"),
        ]

    def __str__(self):
        return gettext("%(quiz)s · %(person)s · attempt %(number)d") % {
            "quiz": self.quiz,
            "person": self.user,
            "number": self.number,
        }

    @property
    def is_scored(self) -> bool:
        return self.submitted_at is not None
