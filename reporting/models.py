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
