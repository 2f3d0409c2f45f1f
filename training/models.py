"""Training (培训): the yearly plan, its sessions, who is invited, enrolled and
attended, and the materials (教材) kept up to date with the platform."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk_site.audit.models import history_user
from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Subsystem
from kb.models import Faq

# The contract's floor: at least this many rounds a year.
MIN_ROUNDS = 4


class TrainingPlan(models.Model):
    """The year's training plan (培训计划) of one region's supervisors."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    min_rounds = models.PositiveSmallIntegerField(_("rounds at least"), default=MIN_ROUNDS)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The last time the supervisor was warned that the year risks missing its floor.
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "region"]
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="training_plan_once_a_year")
        ]

    def __str__(self):
        return gettext("%(region)s training plan %(year)d") % {
            "region": self.region.name,
            "year": self.year,
        }


class Form(models.TextChoices):
    ONLINE = "online", pgettext_lazy("training form", "Online")
    OFFLINE = "offline", pgettext_lazy("training form", "Offline")
    BOTH = "both", pgettext_lazy("training form", "Online and offline")


class TrainingSession(models.Model):
    """One round of training (一期培训) with everything the 培训方案 names."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    outline = models.TextField(_("outline"), blank=True)
    subsystems = models.ManyToManyField(
        Subsystem, verbose_name=_("subsystems covered"), blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    form = models.CharField(_("form"), max_length=8, choices=Form.choices, default=Form.OFFLINE)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    meeting_link = models.URLField(_("meeting link"), max_length=500, blank=True)
    recording_link = models.URLField(_("recording link"), max_length=500, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainers"), blank=True, related_name="+"
    )
    outside_trainers = models.CharField(
        _("outside trainers"),
        max_length=300,
        blank=True,
        help_text=_("Names of trainers from outside the desk, separated by commas."),
    )
    # Region levels (Region.Level values) whose departments are the audience.
    audience_levels = models.JSONField(_("audience levels"), default=list, blank=True)
    audience_departments = models.ManyToManyField(
        Department, verbose_name=_("audience departments"), blank=True, related_name="+"
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def region(self) -> Region:
        return self.plan.region

    @property
    def is_online(self) -> bool:
        return self.form in (Form.ONLINE, Form.BOTH)

    @property
    def is_offline(self) -> bool:
        return self.form in (Form.OFFLINE, Form.BOTH)


class Invitation(models.Model):
    """A person asked to attend a session (培训通知), through their department or level."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)

    class Meta:
        ordering = ["session", "user"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_invited_once")
        ]

    def __str__(self):
        return f"{self.session} · {self.user}"


class Enrolment(models.Model):
    """A person who said they will attend (报名)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrolments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_enrolments",
    )
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)

    class Meta:
        ordering = ["session", "enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_enrolled_once")
        ]

    def __str__(self):
        return f"{self.session} · {self.user}"


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("QR sign-in")
    ONLINE = "online", _("Joined online")
    MANUAL = "manual", _("Corrected by hand")


class Attendance(models.Model):
    """Whether a person attended a session (签到). A supervisor's correction
    keeps the earlier state in the audit trail (the history below)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_attendances",
    )
    present = models.BooleanField(_("present"), default=True)
    method = models.CharField(_("how"), max_length=8, choices=AttendanceMethod.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["session", "user"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_attended_once")
        ]

    def __str__(self):
        return f"{self.session} · {self.user}"


class Material(models.Model):
    """Training material (教材): slides or a document, kept in versions."""

    title = models.CharField(_("title"), max_length=200)
    sessions = models.ManyToManyField(
        TrainingSession, verbose_name=_("sessions"), blank=True, related_name="materials"
    )
    subsystems = models.ManyToManyField(
        Subsystem, verbose_name=_("subsystems"), blank=True, related_name="+"
    )
    faqs = models.ManyToManyField(Faq, verbose_name=_("FAQs"), blank=True, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.title

    @property
    def current(self):
        return self.versions.order_by("-number").first()


def _material_path(instance, filename):
    return f"training/{instance.material_id}/{instance.number}/{filename}"


class MaterialVersion(models.Model):
    """One version of a material, with the platform change that made it necessary."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_material_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    platform_change = models.TextField(_("platform change"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["material", "-number"]
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="training_version_once")
        ]

    def __str__(self):
        return f"{self.material} v{self.number}"
