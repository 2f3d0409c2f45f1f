import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk_site.regions.models import Region
from residency import rules


class Source(models.TextChoices):
    MANUAL = rules.Source.MANUAL, _("Scored by the assessor")
    SLA_ON_TIME = rules.Source.SLA_ON_TIME, _("SLA on-time rate")
    RESPONSE_TIME = rules.Source.RESPONSE_TIME, _("Response time")
    RESOLUTION_TIME = rules.Source.RESOLUTION_TIME, _("Resolution time")
    SATISFACTION = rules.Source.SATISFACTION, _("Satisfaction (好差评)")
    INSPECTIONS = rules.Source.INSPECTIONS, _("Inspections done on time")


class AssessmentTemplate(models.Model):
    """The items, weights and pass mark of the assessment (考核方案), set by
    an administrator. The newest active one is used; an assessment keeps a
    copy of what it was scored on."""

    name = models.CharField(_("name"), max_length=100)
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=4,
        decimal_places=1,
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-active", "-created_at", "-id"]
        verbose_name = _("assessment template")
        verbose_name_plural = _("assessment templates")

    def __str__(self):
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=100)
    source = models.CharField(_("scored from"), max_length=16, choices=Source.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")

    def __str__(self):
        return self.name


class Engineer(models.Model):
    """A resident engineer (驻场人员): an operator posted on site."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="residency",
        limit_choices_to={"role": "operator"},
    )
    post = models.ForeignKey(
        Region,
        verbose_name=_("posted at"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Supervisors of this region and above see and assess the engineer."),
    )
    on_duty_since = models.DateField(
        _("on duty since"),
        null=True,
        blank=True,
        help_text=_("Empty while the engineer has not started work on site."),
    )
    contractor_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contractor's lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Hears of failed assessments and deadlines; empty: the operator team lead."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]
        verbose_name = _("resident engineer")
        verbose_name_plural = _("resident engineers")

    def __str__(self):
        return self.user.display_name()


class Assessment(models.Model):
    """One assessment of one engineer (考核), recorded once and never changed."""

    engineer = models.ForeignKey(Engineer, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contract_year = models.PositiveSmallIntegerField(_("contract year"))
    template = models.ForeignKey(
        AssessmentTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    period_from = models.DateField(_("figures from"))
    period_to = models.DateField(_("figures to"))
    pass_mark = models.DecimalField(_("pass mark"), max_digits=4, decimal_places=1)
    total = models.DecimalField(_("total"), max_digits=4, decimal_places=1, null=True)
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("assessor's note"), blank=True)
    # A passing assessment of a new engineer who replaces a failed one.
    replaces = models.ForeignKey(
        Engineer,
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["engineer", "assessed_on"], name="residency_history")]

    def __str__(self):
        return f"{self.engineer} {self.assessed_on:%Y-%m-%d}"

    @property
    def number(self) -> str:
        return f"KH{self.assessed_on.year}-{self.pk:04d}"


class AssessmentScore(models.Model):
    """One item of an assessment as it was scored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    name = models.CharField(_("item"), max_length=100)
    source = models.CharField(_("scored from"), max_length=16, choices=Source.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))
    # What the figures said, as read (e.g. "42/45 按时", "中位 35 分钟 / 目标 30 分钟").
    measured = models.CharField(_("measured"), max_length=120, blank=True)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")

    def __str__(self):
        return f"{self.name}: {self.score}"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Running")
    CLEARED = "cleared", _("Cleared by a pass in time")
    FAILED_AGAIN = "failed_again", _("Re-assessed in time, failed again")
    MISSED = "missed", _("Missed")


class RetakeDeadline(models.Model):
    """The 7 days a failed assessment gives the contractor (整改期限)."""

    failed = models.OneToOneField(
        Assessment,
        verbose_name=_("failed assessment"),
        on_delete=models.PROTECT,
        related_name="deadline",
    )
    engineer = models.ForeignKey(Engineer, on_delete=models.PROTECT, related_name="deadlines")
    due_on = models.DateField(_("re-assess by"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DeadlineStatus.choices,
        default=DeadlineStatus.OPEN,
        db_index=True,
    )
    closed_by = models.ForeignKey(
        Assessment,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("re-assessment deadline")
        verbose_name_plural = _("re-assessment deadlines")

    def __str__(self):
        return f"{self.engineer} {self.due_on:%Y-%m-%d}"


class EventKind(models.TextChoices):
    PASSED = "passed", pgettext_lazy("residency", "Passed")
    FAILED = "failed", pgettext_lazy("residency", "Failed")
    DEADLINE_OPENED = "deadline_opened", _("Re-assessment deadline set")
    REMINDER = "reminder", _("Reminder sent")
    CLEARED = "cleared", _("Deadline cleared")
    FAILED_AGAIN = "failed_again", _("Failed again within the deadline")
    MISSED = "missed", _("Deadline missed")
    THREE_FAILURES = "three_failures", _("Three consecutive failures")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the assessment history is append-only")

    def delete(self):
        raise PermissionError("the assessment history is append-only")


class Event(models.Model):
    """One line of an engineer's assessment history (考核记录); only ever added.
    `once` names events that may happen only once (a reminder of a deadline on
    a given day), so a sweep run twice does not repeat them."""

    engineer = models.ForeignKey(Engineer, on_delete=models.PROTECT, related_name="events")
    contract_year = models.PositiveSmallIntegerField(_("contract year"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(
        pgettext_lazy("residency", "event"), max_length=16, choices=EventKind.choices
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    deadline = models.ForeignKey(
        RetakeDeadline, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    once = models.CharField(max_length=80, null=True, blank=True, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("assessment record")
        verbose_name_plural = _("assessment records")
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self):
        return f"{self.engineer_id} {self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the assessment history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the assessment history is append-only")
