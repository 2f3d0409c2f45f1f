from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk_site.audit.append_only import AppendOnlyModel
from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from rectification import rules


class Status(models.TextChoices):
    PENDING = "pending", _("To rectify")
    IN_PROGRESS = "in_progress", _("Being rectified")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    WITHDRAWN = "withdrawn", pgettext_lazy("rectification", "Withdrawn")


class Dimension(models.TextChoices):
    COUNTY = "county", pgettext_lazy("rectification", "County")
    PREFECTURE_DEPARTMENT = (
        "prefecture_department",
        pgettext_lazy("rectification", "Prefecture department"),
    )
    DEPARTMENT = "department", pgettext_lazy("rectification", "Department")
    SUBSYSTEM = "subsystem", pgettext_lazy("rectification", "Subsystem")
    CATEGORY = "category", pgettext_lazy("rectification", "Category")
    # A signed finding of the indicator analysis (indicators/).
    INDICATOR = "indicator", pgettext_lazy("rectification", "Assessment indicator")


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class RectificationItem(models.Model):
    """A weak spot (弱项短板) of one report period turned into work for a
    responsible department (整改事项), with a deadline in working days."""

    finding = models.TextField(_("finding"))
    # The weak spot it came from: where and when it was found, and its figures then.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to (exclusive)"))
    period_title = models.CharField(_("period"), max_length=80)
    dimension = models.CharField(_("weak spot kind"), max_length=24, choices=Dimension.choices)
    group_key = models.CharField(_("weak spot key"), max_length=40)
    group_name = models.CharField(_("weak spot"), max_length=200)
    evidence = models.JSONField(_("evidence"), default=dict)

    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    measures = models.TextField(_("measures"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    deadline = models.DateField(_("deadline"))
    # The deadline first set: an extension moves `deadline`, and reports
    # judge 按期/逾期 against this one.
    original_deadline = models.DateField(_("original deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(
        pgettext_lazy("rectification", "started"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completion_note = models.TextField(_("completion note"), blank=True)
    # Set once, in the transaction that marks the item overdue and notifies.
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # Set once, in the transaction that sends the reminder before the deadline.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        pgettext_lazy("rectification", "withdrawn"), null=True, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("rectification", "withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        ordering = ["-period_start", "-created_at", "-id"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "region", "dimension", "group_key"],
                name="rectification_once_per_weak_spot",
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="rectification_due"),
            models.Index(fields=["period_kind", "period_start"], name="rectification_period"),
        ]

    def __str__(self):
        return f"整改{self.number} {self.group_name}"

    @property
    def number(self) -> str:
        """The item's reference as supervisors quote it, e.g. ZG2026-0007."""
        return f"ZG{self.period_start.year}-{self.pk:04d}"

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline


class Action(models.TextChoices):
    CREATE = "create", pgettext_lazy("rectification", "Created")
    START = "start", pgettext_lazy("rectification", "Started")
    COMPLETE = "complete", pgettext_lazy("rectification", "Completed")
    MARK_OVERDUE = "mark_overdue", pgettext_lazy("rectification", "Overdue and escalated")
    EXTEND = "extend", pgettext_lazy("rectification", "Deadline extended")
    WITHDRAW = "withdraw", pgettext_lazy("rectification", "Withdraw")
    REMIND = "remind", pgettext_lazy("rectification", "Reminded of the deadline")


class RectificationEvent(AppendOnlyModel):
    """One change of an item (整改记录); only ever added."""

    item = models.ForeignKey(RectificationItem, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(
        pgettext_lazy("rectification", "action"), max_length=16, choices=Action.choices
    )
    status_before = models.CharField(
        _("status before"), max_length=12, choices=Status.choices, blank=True
    )
    status_after = models.CharField(_("status after"), max_length=12, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    # An extension's deadlines, before and after.
    deadline_before = models.DateField(_("deadline before"), null=True, blank=True)
    deadline_after = models.DateField(_("deadline after"), null=True, blank=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]
        verbose_name = _("rectification record")
        verbose_name_plural = _("rectification records")

    def __str__(self):
        return f"{self.item_id} {self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
