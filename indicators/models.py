from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk_site.audit.append_only import AppendOnlyModel
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Subsystem


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Indicator(models.Model):
    """One indicator of the province's tree for one year (the province
    changes the tree every year): level one when it has no parent, level two
    under a level-one parent of the same year."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("level-one indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    full_marks = models.DecimalField(
        _("full marks"),
        max_digits=6,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    # The province's target for the prefecture, where one is given.
    target = models.DecimalField(
        _("province's target"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # The platform subsystem whose tickets may explain a low score (e.g.
    # 办理成熟度 and 综合受办平台).
    subsystem = models.ForeignKey(
        Subsystem,
        verbose_name=_("related subsystem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["year", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="indicator_code_once_a_year"),
            models.UniqueConstraint(fields=["year", "name"], name="indicator_name_once_a_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"

    @property
    def level(self) -> int:
        return 1 if self.parent_id is None else 2

    def clean(self):
        """Two levels, within one year (the admin's form checks this too;
        indicators.services.save_indicator adds the rules that need the scores)."""
        parent = self.parent if self.parent_id else None
        if parent is None:
            return
        if parent.pk == self.pk or parent.parent_id is not None:
            raise ValidationError({"parent": _("The parent must be a level-one indicator.")})
        if parent.year != self.year:
            raise ValidationError(
                {"parent": _("The parent must be an indicator of the same year.")}
            )


class Score(models.Model):
    """A county's score on one scored indicator (a level-two one, or a
    level-one one without children) for one period."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="scores"
    )
    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    value = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["period_start", "county", "indicator"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "county", "period_kind", "period_start"],
                name="indicator_score_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["period_kind", "period_start"], name="indicator_period")]

    def __str__(self):
        return f"{self.county_id} {self.indicator} {self.value}"


class Source(models.TextChoices):
    FILE = "file", _("Excel import")
    HAND = "hand", _("Entered by hand")


class ImportRecord(AppendOnlyModel):
    """Who put a period's figures in, and when (导入记录); only ever added.
    A file replaces the whole period; a hand entry one county's figures."""

    period_kind = models.CharField(_("period"), max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    source = models.CharField(_("source"), max_length=4, choices=Source.choices)
    county = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(_("file checksum"), max_length=64, blank=True)
    counties = models.PositiveSmallIntegerField(_("counties"), default=0)
    scores = models.PositiveIntegerField(_("scores"), default=0)
    replaced = models.PositiveIntegerField(_("scores replaced"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-at", "-id"]
        verbose_name = _("import record")
        verbose_name_plural = _("import log")

    def __str__(self):
        return f"{self.period_kind} {self.period_start} {self.at:%Y-%m-%d %H:%M}"


class FindingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed off")


class Finding(models.Model):
    """A problem found in the figures (问题) and how to solve it (解决思路):
    drafted, edited, then signed off by a supervisor, after which it is
    read-only."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(_("problem"))
    approach = models.TextField(_("approach"))
    status = models.CharField(
        _("status"), max_length=6, choices=FindingStatus.choices, default=FindingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last edited"), default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    rectification_item = models.OneToOneField(
        "rectification.RectificationItem",
        verbose_name=_("rectification item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_finding",
    )

    class Meta:
        ordering = ["-period_start", "region", "-created_at"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(signed_at__isnull=False),
                name="indicator_finding_signed_with_time",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def signed(self) -> bool:
        return self.status == FindingStatus.SIGNED
