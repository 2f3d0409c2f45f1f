from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk_site.audit.append_only import AppendOnlyModel
from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from keywork import rules


class Kind(models.TextChoices):
    ONE_THING = "one_thing", _("One-thing bundles landed")
    CROSS_REGION = "cross_region", _("Cross-province handling widened")
    ONLINE = "online", _("Service items run online by the rules")
    E_LICENSE = "e_license", _("Use of e-licences")
    E_SEAL = "e_seal", _("Use of e-seals")
    INNOVATION = "innovation", _("Innovation support")
    SUBMISSION = "submission", _("Material submission")
    OTHER = "other", pgettext_lazy("key work", "Other key work")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("key work", "In progress")
    DONE = "done", pgettext_lazy("key work", "Done")
    LATE = "late", pgettext_lazy("key work", "Late")
    CANCELLED = "cancelled", pgettext_lazy("key work", "Cancelled")


class Item(models.Model):
    """One piece of the year's key work (重点工作) or a material submission
    (材料报送), from a provincial or prefecture document, owned by a county
    (or the prefecture) and, where named, one of its departments."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("key work", "year"), db_index=True)
    title = models.CharField(pgettext_lazy("key work", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    goal = models.TextField(_("goal"))
    source_title = models.CharField(_("source document"), max_length=200)
    source_number = models.CharField(_("document number"), max_length=80, blank=True)
    source_issuer = models.CharField(_("issued by"), max_length=120)
    region = models.ForeignKey(
        Region, verbose_name=_("owner county"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("owner department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_work_items",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    completed_at = models.DateTimeField(pgettext_lazy("key work", "done"), null=True, blank=True)
    # Why it was marked done with milestones open, or what was done.
    completion_note = models.TextField(pgettext_lazy("key work", "completion note"), blank=True)
    cancelled_at = models.DateTimeField(
        pgettext_lazy("key work", "cancelled"), null=True, blank=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Set once each, in the transaction that sends the reminder / escalation
    # about the item's own due date.
    reminded_at = models.DateTimeField(pgettext_lazy("key work", "reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(
        pgettext_lazy("key work", "escalated"), null=True, blank=True
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("key work item")
        verbose_name_plural = _("key work")
        indexes = [models.Index(fields=["status", "due_date"], name="keywork_item_due")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The item's reference as supervisors quote it, e.g. 2026-007."""
        return f"{self.year}-{self.pk:03d}"

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    @property
    def is_submission(self) -> bool:
        return self.kind == Kind.SUBMISSION

    @property
    def owner(self) -> str:
        return str(self.department) if self.department_id else self.region.name


class Milestone(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    deadline = models.DateField(pgettext_lazy("key work", "deadline"))
    # The department that answers for this step when it is not the item's
    # owner: it is reminded of the deadline.
    owner = models.ForeignKey(
        Department,
        verbose_name=pgettext_lazy("key work", "milestone owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_work_milestones",
    )
    done_at = models.DateTimeField(pgettext_lazy("key work", "done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_at = models.DateTimeField(pgettext_lazy("key work", "reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(
        pgettext_lazy("key work", "escalated"), null=True, blank=True
    )

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["done_at", "deadline"], name="keywork_milestone_due")]

    def __str__(self):
        return f"{self.deadline:%Y-%m-%d} {self.title}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Update(models.Model):
    """A progress update (进展情况), with files; or the submitted material."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("progress"))
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone reached"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_submission = models.BooleanField(_("material submission"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self):
        return f"{self.item_id} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance, filename):
    return f"keywork/{instance.update.item_id}/{instance.update_id}/{filename}"


class Attachment(models.Model):
    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class Action(models.TextChoices):
    CREATE = "create", pgettext_lazy("key work", "Entered")
    EDIT = "edit", pgettext_lazy("key work", "Edited")
    START = "start", pgettext_lazy("key work", "Started")
    COMPLETE = "complete", pgettext_lazy("key work", "Marked done")
    MARK_LATE = "mark_late", pgettext_lazy("key work", "Marked late")
    CATCH_UP = "catch_up", pgettext_lazy("key work", "Back on schedule")
    CANCEL = "cancel", pgettext_lazy("key work", "Cancelled")
    REOPEN = "reopen", pgettext_lazy("key work", "Reopened")
    ADD_MILESTONE = "add_milestone", pgettext_lazy("key work", "Milestone added")
    EDIT_MILESTONE = "edit_milestone", pgettext_lazy("key work", "Milestone changed")
    MILESTONE_DONE = "milestone_done", pgettext_lazy("key work", "Milestone reached")
    UPDATE = "update", pgettext_lazy("key work", "Progress update")
    SUBMIT = "submit", pgettext_lazy("key work", "Material submitted")
    REMIND = "remind", pgettext_lazy("key work", "Reminded of a deadline")
    ESCALATE = "escalate", pgettext_lazy("key work", "Missed deadline escalated")


class Event(AppendOnlyModel):
    """One change of an item (工作记录); only ever added."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(
        pgettext_lazy("key work", "action"), max_length=16, choices=Action.choices
    )
    status_before = models.CharField(
        _("status before"), max_length=12, choices=Status.choices, blank=True
    )
    status_after = models.CharField(_("status after"), max_length=12, choices=Status.choices)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]
        verbose_name = _("key work record")
        verbose_name_plural = _("key work records")

    def __str__(self):
        return f"{self.item_id} {self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
