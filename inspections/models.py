from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from helpdesk.models import Ticket

from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Subsystem
from inspections import rules


class Frequency(models.TextChoices):
    DAILY = rules.Frequency.DAILY, _("Daily")
    WEEKLY = rules.Frequency.WEEKLY, _("Weekly")
    MONTHLY = rules.Frequency.MONTHLY, _("Monthly")


class AnswerKind(models.TextChoices):
    STATUS = rules.AnswerKind.STATUS, _("Normal / abnormal")
    NUMBER = rules.AnswerKind.NUMBER, _("A number with thresholds")
    TEXT = rules.AnswerKind.TEXT, _("A text")
    SCREENSHOT = rules.AnswerKind.SCREENSHOT, _("A screenshot")
    COUNTY_NUMBERS = rules.AnswerKind.COUNTY_NUMBERS, _("A number per county")


class Choice(models.TextChoices):
    NORMAL = rules.NORMAL, _("Normal")
    ABNORMAL = rules.ABNORMAL, _("Abnormal")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class Plan(models.Model):
    """An inspection plan (巡检计划) of one subsystem: a checklist, how often
    it is run on the business calendar and who runs it."""

    name = models.CharField(pgettext_lazy("inspections", "name"), max_length=100)
    subsystem = models.ForeignKey(
        Subsystem, verbose_name=_("subsystem"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=pgettext_lazy("inspections", "department"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Tickets for abnormal findings are filed for this department; the supervisors "
            "of its region see the plan."
        ),
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator responsible"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("Weekly plans: on a day off, the next working day of the same week."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Monthly plans: on a day off, the next working day of the same month."),
    )
    starts_on = models.DateField(_("first day"), default=timezone.localdate)
    active = models.BooleanField(pgettext_lazy("inspections", "active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-active", "subsystem__position", "name", "id"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self):
        return self.name


class Item(models.Model):
    """One line of a plan's checklist (检查项) and the kind of its answer."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(pgettext_lazy("inspections", "item"), max_length=100)
    kind = models.CharField(
        pgettext_lazy("inspections", "answer"), max_length=16, choices=AnswerKind.choices
    )
    guidance = models.CharField(_("how to check"), max_length=300, blank=True)
    above = models.DecimalField(
        _("abnormal above"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    below = models.DecimalField(
        _("abnormal below"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(pgettext_lazy("inspections", "active"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.name

    @property
    def thresholds(self) -> rules.Thresholds:
        return rules.Thresholds(self.above, self.below)


class RunStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("inspections", "To do")
    DONE = "done", _("Done")
    MISSED = "missed", pgettext_lazy("inspections", "Missed")


class Run(models.Model):
    """One due run of a plan (一次巡检): at most one per plan and period."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField(pgettext_lazy("inspections", "period"))
    due_on = models.DateField(_("due on"), db_index=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="inspection_runs",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    late = models.BooleanField(_("late"), default=False)
    done_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("remarks"), blank=True)
    # When the supervisors were told it was missed / recorded late (once each).
    missed_flagged_at = models.DateTimeField(null=True, blank=True)
    late_flagged_at = models.DateTimeField(null=True, blank=True)
    # When the operator was told the run is due (once, on its due day).
    due_told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-due_on", "plan__name", "-id"]
        verbose_name = _("inspection run")
        verbose_name_plural = _("inspection runs")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period_start"], name="inspections_one_run_per_period"
            )
        ]

    def __str__(self):
        return f"{self.plan} {self.due_on:%Y-%m-%d}"

    @property
    def on_time(self) -> bool:
        return self.status == RunStatus.DONE and not self.late


class Answer(models.Model):
    """What the operator found for one item in one run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(_("result"), max_length=8, choices=Choice.choices, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("screenshot"), upload_to="inspections/%Y/%m/", blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    abnormal = models.BooleanField(_("abnormal"), default=False)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # True: this answer filed the ticket; False: it was added to an open one.
    opened_ticket = models.BooleanField(default=False)

    class Meta:
        ordering = ["item__order", "item_id"]
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        constraints = [
            models.UniqueConstraint(fields=["run", "item"], name="inspections_one_answer_per_item")
        ]

    def __str__(self):
        return f"{self.item}: {self.shown()}"

    def shown(self) -> str:
        if self.item.kind == AnswerKind.STATUS:
            return self.get_choice_display()
        if self.item.kind == AnswerKind.NUMBER:
            return "" if self.number is None else rules.plain(self.number)
        if self.item.kind == AnswerKind.COUNTY_NUMBERS:
            return "、".join(f"{c.county.name} {c.count}" for c in self.counts.all())
        if self.item.kind == AnswerKind.SCREENSHOT:
            return self.file.name.rsplit("/", 1)[-1] if self.file else ""
        return self.text


class CountyCount(models.Model):
    """A county's number in a per-county answer (e.g. its 超期件 that day)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="counts")
    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("number"))

    class Meta:
        ordering = ["county_id"]
        verbose_name = _("county figure")
        verbose_name_plural = _("county figures")
        constraints = [
            models.UniqueConstraint(fields=["answer", "county"], name="inspections_one_per_county")
        ]

    def __str__(self):
        return f"{self.county_id} {self.count}"
