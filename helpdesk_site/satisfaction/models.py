from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from helpdesk.models import Ticket


class Score(models.IntegerChoices):
    """The national 好差评 convention, five levels."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# A rating at or below this is a 差评 and must be followed up.
BAD_RATING_MAX = Score.DISSATISFIED


class Rating(models.Model):
    """The reporter's rating of a resolved ticket (好差评), one per ticket."""

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(_("rating"), choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, on_delete=models.SET_NULL
    )
    rated_at = models.DateTimeField(_("first rated"))
    changed_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score")
        ]
        indexes = [models.Index(fields=["rated_at", "score"], name="rating_rated_at_score")]

    def __str__(self):
        return f"#{self.ticket_id} {self.get_score_display()}"

    @property
    def is_bad(self) -> bool:
        return self.score <= BAD_RATING_MAX


class FollowUpState(models.TextChoices):
    OPEN = "open", _("Open")
    VERIFIED = "verified", _("Verified")
    CALLED_BACK = "called_back", _("Reporter called back")
    RECTIFIED = "rectified", _("Rectified")


class BadRatingFollowUp(models.Model):
    """The 回访整改 task a 差评 opens for the supervisor of the ticket's county:
    verify, call the reporter back, record the rectification, within 15
    working days on the SLA calendar."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="follow_up"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="bad_rating_tasks"
    )
    # The county (or prefecture) whose supervisors own the task; scope is by ticket region.
    county_code = models.CharField(_("county"), max_length=6, db_index=True)
    state = models.CharField(
        _("state"), max_length=12, choices=FollowUpState.choices, default=FollowUpState.OPEN
    )
    opened_at = models.DateTimeField(_("opened"))
    due_at = models.DateTimeField(_("due"))
    # The next instant the sweep must look at this task (reminder or breach); null when done.
    next_escalation_at = models.DateTimeField(_("next escalation at"), null=True)
    level_percent = models.PositiveSmallIntegerField(_("level reached (%)"), default=0)
    breached_at = models.DateTimeField(_("overdue since"), null=True)
    verified_at = models.DateTimeField(_("verified"), null=True)
    verification = models.TextField(_("verification"), blank=True)
    called_back_at = models.DateTimeField(_("called back"), null=True)
    call_notes = models.TextField(_("call-back notes"), blank=True)
    rectified_at = models.DateTimeField(_("rectified"), null=True)
    rectification = models.TextField(_("rectification"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("差评 follow-up")
        verbose_name_plural = _("差评 follow-ups")
        indexes = [
            models.Index(
                fields=["next_escalation_at"],
                name="badrating_next_escalation",
                condition=Q(next_escalation_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.rectified_at is None
