from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk_site.regions.models import Region


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Weekly report (周报)")
    MONTH = "month", _("Monthly report (月报)")
    YEAR = "year", _("Annual report (年报)")


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word (.docx)")
    XLSX = "xlsx", _("Excel (.xlsx)")


class StoredReport(models.Model):
    """A generated period report (运维报表), kept for download."""

    kind = models.CharField(_("period"), max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to (exclusive)"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    file = models.FileField(_("file"), upload_to="reports/%Y/")
    created_at = models.DateTimeField(_("generated"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty for scheduled reports."),
    )

    class Meta:
        ordering = ["-period_start", "region_id", "format", "-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["kind", "period_start", "region"], name="report_period")]

    def __str__(self):
        return f"{self.region.name} {self.get_kind_display()} {self.period_start}"


class CountedDay(models.Model):
    """A day whose ticket counts are kept in `DayCount` (the daily roll-up):
    reports read them instead of counting the day's tickets again. A change
    to a ticket of the day marks it stale until the roll-up counts it again."""

    day = models.DateField(_("day"), primary_key=True)
    stale = models.BooleanField(_("stale"), default=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)
    # New at every count: what is cached from kept days is keyed by it.
    version = models.UUIDField(_("version"), null=True, blank=True)

    class Meta:
        verbose_name = _("counted day")
        verbose_name_plural = _("counted days")

    def __str__(self):
        return self.day.isoformat()


class DayCount(models.Model):
    """One group's counts on one day, over the whole prefecture: tickets
    filed that day, resolution clocks stopped that day and those that met
    their target. `grouping` is county, department, subsystem, category,
    problem (subsystem and category) or total (the day's filed tickets)."""

    day = models.DateField(_("day"))
    grouping = models.CharField(_("grouping"), max_length=16)
    key = models.CharField(_("key"), max_length=64)
    filed = models.PositiveIntegerField(_("filed"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    met = models.PositiveIntegerField(_("met"), default=0)

    class Meta:
        verbose_name = _("day count")
        verbose_name_plural = _("day counts")
        constraints = [
            models.UniqueConstraint(fields=["day", "grouping", "key"], name="daycount_group")
        ]

    def __str__(self):
        return f"{self.day} {self.grouping}:{self.key}"


class DayClocks(models.Model):
    """The clocks of one kind stopped on one day (or, for kind
    `escalations`, the escalations fired that day), over the whole
    prefecture, a packed row each (`reporting.daily.Clocks`): what a report's
    times, the operators' figures and the weak spots' causes are computed
    from, exactly, without reading the clocks again. Kept and marked stale
    with the day's `CountedDay`."""

    day = models.DateField(_("day"))
    kind = models.CharField(_("clock"), max_length=12)
    columns = models.BinaryField(_("columns"))

    class Meta:
        verbose_name = _("day's clocks")
        verbose_name_plural = _("days' clocks")
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="dayclocks_kind")]

    def __str__(self):
        return f"{self.day} {self.kind}"
