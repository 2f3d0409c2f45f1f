import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from helpdesk.models import Ticket

from helpdesk_site.audit.append_only import AppendOnlyModel
from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Category, Subsystem
from sla import business_time as bt

DEFAULT_HOURS = "09:00-12:00, 14:00-18:00"


def validate_hours(value: str) -> None:
    try:
        bt.parse_periods(value)
    except ValueError:
        raise ValidationError(
            _("Write working hours like 09:00-12:00, 14:00-18:00, in order, not overlapping.")
        ) from None


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone.")) from None


def validate_dates(value: str) -> None:
    try:
        bt.parse_dates(value)
    except ValueError:
        raise ValidationError(
            _("Write dates or ranges like 2027-10-01..2027-10-07, separated by commas.")
        ) from None


class BusinessCalendar(models.Model):
    """Working hours and local days off (工作日历). The default one serves
    every policy that names none."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    is_default = models.BooleanField(_("default calendar"), default=False)
    time_zone = models.CharField(
        _("time zone"), max_length=40, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    working_hours = models.CharField(
        _("working hours"),
        max_length=200,
        default=DEFAULT_HOURS,
        validators=[validate_hours],
        help_text=_("On working days, e.g. 09:00-12:00, 14:00-18:00."),
    )

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"
            )
        ]

    def __str__(self):
        return self.name


class SeasonalHours(models.Model):
    """Other working hours for part of the year (e.g. summer hours)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="seasons")
    name = models.CharField(_("name"), max_length=60)
    first_month = models.PositiveSmallIntegerField(_("from month"))
    first_day = models.PositiveSmallIntegerField(_("from day"))
    last_month = models.PositiveSmallIntegerField(_("to month"))
    last_day = models.PositiveSmallIntegerField(_("to day"))
    working_hours = models.CharField(
        _("working hours"), max_length=200, validators=[validate_hours]
    )

    class Meta:
        ordering = ["first_month", "first_day"]
        verbose_name = _("seasonal working hours")
        verbose_name_plural = _("seasonal working hours")

    def __str__(self):
        return self.name

    def clean(self):
        for month, day in ((self.first_month, self.first_day), (self.last_month, self.last_day)):
            try:
                dt.date(2000, month or 0, day or 0)  # a leap year allows 02-29
            except (TypeError, ValueError):
                raise ValidationError(
                    _("Not a day of the year: %(m)s-%(d)s") % {"m": month, "d": day}
                ) from None


class CalendarDay(models.Model):
    """A local day off or working day that wins over the national calendar,
    e.g. 藏历新年."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"), default=False)
    reason = models.CharField(_("reason"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("local day")
        verbose_name_plural = _("local days")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique")
        ]

    def __str__(self):
        return f"{self.date} {self.reason}"


class HolidayNotice(models.Model):
    """A year's State Council holiday notice, entered by an administrator.
    It confirms a year the national package does not cover yet."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(
        _("notice"), max_length=200, help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知")
    )
    holidays = models.TextField(
        _("holidays"),
        validators=[validate_dates],
        help_text=_("Every day off, e.g. 2027-01-01, 2027-02-05..2027-02-12."),
    )
    working_days = models.TextField(
        _("adjusted working days"),
        blank=True,
        validators=[validate_dates],
        help_text=_("Saturdays and Sundays that are working days (调休上班)."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")

    def __str__(self):
        return f"{self.year} {self.title}"

    def clean(self):
        for name in ("holidays", "working_days"):
            try:
                dates = bt.parse_dates(getattr(self, name))
            except ValueError:
                continue  # the field's own validator says so
            if self.year and any(d.year != self.year for d in dates):
                raise ValidationError(
                    {name: _("Every date must fall in %(year)s.") % {"year": self.year}}
                )

    def to_notice(self) -> bt.YearNotice:
        return bt.YearNotice(bt.parse_dates(self.holidays), bt.parse_dates(self.working_days))


class ClockKind(models.TextChoices):
    # Contexts keep these apart from helpdesk's own "Resolution" (解决方案).
    RESPONSE = "response", pgettext_lazy("SLA clock", "First response")
    RESOLUTION = "resolution", pgettext_lazy("SLA clock", "Resolution")


class Action(models.TextChoices):
    NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
    NOTIFY_TEAM_LEAD = "notify_team_lead", _("Notify the operator team lead")
    NOTIFY_COUNTY_SUPERVISOR = "notify_county", _("Notify the county supervisor")
    NOTIFY_PREFECTURE_SUPERVISOR = "notify_prefecture", _("Notify the prefecture supervisor")
    RAISE_PRIORITY = "raise_priority", _("Raise priority")
    REASSIGN = "reassign", _("Reassign to the team lead")


class EscalationLadder(models.Model):
    """Who hears about a late ticket, and when (升级规则)."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("escalation ladder")
        verbose_name_plural = _("escalation ladders")

    def __str__(self):
        return self.name


class EscalationStep(models.Model):
    """One action at a share of a clock's target; the steps at one share
    form a level."""

    ladder = models.ForeignKey(EscalationLadder, on_delete=models.CASCADE, related_name="steps")
    clock = models.CharField(_("clock"), max_length=12, choices=ClockKind.choices)
    percent = models.PositiveSmallIntegerField(
        _("percent of target"), help_text=_("e.g. 50, 80, 100, 150")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["clock", "percent", "action"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(
                fields=["ladder", "clock", "percent", "action"], name="escalation_step_unique"
            ),
            models.CheckConstraint(condition=Q(percent__gt=0), name="escalation_step_percent"),
        ]

    def __str__(self):
        return f"{self.get_clock_display()} {self.percent}% {self.get_action_display()}"


class SlaPolicy(models.Model):
    """Targets for tickets of one category and priority, optionally only for
    one subsystem or region; the most specific active policy wins."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Ticket.PRIORITY_CHOICES)
    subsystem = models.ForeignKey(
        Subsystem, verbose_name=_("subsystem"), null=True, blank=True, on_delete=models.CASCADE
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Applies to tickets filed in this region and below it."),
    )
    response_minutes = models.PositiveIntegerField(_("first response target (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution target (minutes)"))
    around_the_clock = models.BooleanField(
        _("around the clock (24×7)"),
        default=False,
        help_text=_("Count every minute instead of working time only."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: the default calendar."),
    )
    ladder = models.ForeignKey(
        EscalationLadder,
        verbose_name=_("escalation ladder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "priority", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        indexes = [models.Index(fields=["category", "priority"], name="slapolicy_cat_prio")]

    def __str__(self):
        return self.name

    def target_minutes(self, kind: str) -> int:
        return self.response_minutes if kind == ClockKind.RESPONSE else self.resolution_minutes


class TeamLead(models.Model):
    """The operator team lead for a subsystem's tickets; one without a
    subsystem leads all the others."""

    subsystem = models.OneToOneField(
        Subsystem, verbose_name=_("subsystem"), null=True, blank=True, on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("team lead"), on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("operator team lead")
        verbose_name_plural = _("operator team leads")
        constraints = [
            models.UniqueConstraint(
                fields=["subsystem"], condition=Q(subsystem__isnull=True), name="one_default_lead"
            )
        ]

    def __str__(self):
        return f"{self.subsystem or _('All subsystems')}: {self.user}"


class SlaClock(models.Model):
    """One clock of one ticket: first response or resolution.

    Working time used so far is `consumed_seconds` plus, while running, the
    working time since `running_since`. The instants derived from that are
    stored so that what is due, at risk or breached is a range query.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_clocks"
    )
    kind = models.CharField(_("clock"), max_length=12, choices=ClockKind.choices)
    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("SLA policy"), null=True, on_delete=models.SET_NULL
    )
    # What the target was chosen for; a ticket that differs is re-targeted.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(_("priority"))
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    around_the_clock = models.BooleanField(_("around the clock (24×7)"), default=False)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), null=True, on_delete=models.SET_NULL
    )
    # Reopening starts a new cycle: the ladder may climb again.
    cycle = models.PositiveIntegerField(_("cycle"), default=1)
    started_at = models.DateTimeField(_("started at"))
    running_since = models.DateTimeField(_("running since"), null=True)
    consumed_seconds = models.FloatField(_("working seconds used"), default=0)
    paused_reason = models.CharField(_("pause reason"), max_length=200, blank=True)
    at_risk_at = models.DateTimeField(_("at risk from"), null=True)
    due_at = models.DateTimeField(_("due at"), null=True)
    next_escalation_at = models.DateTimeField(_("next escalation at"), null=True)
    level_percent = models.PositiveSmallIntegerField(_("level reached (%)"), default=0)
    breached_at = models.DateTimeField(_("breached at"), null=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="sla_clock_per_ticket")
        ]
        indexes = [
            models.Index(
                fields=["next_escalation_at"],
                name="slaclock_next_escalation",
                condition=Q(next_escalation_at__isnull=False),
            ),
            models.Index(
                fields=["due_at"], name="slaclock_open_due", condition=Q(stopped_at__isnull=True)
            ),
            models.Index(
                fields=["at_risk_at"],
                name="slaclock_open_at_risk",
                condition=Q(stopped_at__isnull=True),
            ),
            # The operator's queue walks the running clocks soonest due first
            # and counts the breached and at-risk ones from this index alone.
            models.Index(
                fields=["due_at", "ticket", "at_risk_at"],
                name="slaclock_running_due",
                condition=Q(stopped_at__isnull=True, running_since__isnull=False),
            ),
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.get_kind_display()}"

    @property
    def is_paused(self) -> bool:
        return self.stopped_at is None and self.running_since is None


class EscalationEvent(models.Model):
    """A step that fired. The unique constraint is what makes a sweep fire
    each step once per clock cycle, however many sweeps run at once."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="escalations")
    cycle = models.PositiveIntegerField()
    step = models.ForeignKey(EscalationStep, on_delete=models.PROTECT)
    fired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "cycle", "step"], name="escalation_once_per_cycle"
            )
        ]

    def __str__(self):
        return f"{self.clock} {self.step}"


class LogKind(models.TextChoices):
    FILED = "filed", pgettext_lazy("handling log", "Filed")
    FIRST_RESPONSE = "first_response", pgettext_lazy("handling log", "First response")
    ESCALATED = "escalated", pgettext_lazy("handling log", "Escalated")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("handling log", "Escalation acknowledged")
    PAUSED = "paused", pgettext_lazy("handling log", "Clock paused")
    RESUMED = "resumed", pgettext_lazy("handling log", "Clock resumed")
    PRIORITY_CHANGED = "priority_changed", pgettext_lazy("handling log", "Priority changed")
    CATEGORY_CHANGED = "category_changed", pgettext_lazy("handling log", "Category changed")
    RESOLVED = "resolved", pgettext_lazy("handling log", "Resolved")
    ROOT_CAUSE = "root_cause", pgettext_lazy("handling log", "Root cause and fix recorded")
    REOPENED = "reopened", pgettext_lazy("handling log", "Reopened")
    BREACHED = "breached", pgettext_lazy("handling log", "Target breached")
    # The 回访整改 of a 差评 (helpdesk_site/satisfaction): its own steps, not the SLA ladder's.
    RATING_VERIFIED = "rating_verified", pgettext_lazy("handling log", "Bad rating verified")
    RATING_CALLED_BACK = (
        "rating_called_back",
        pgettext_lazy("handling log", "Reporter called back about a bad rating"),
    )
    RATING_RECTIFIED = "rating_rectified", pgettext_lazy("handling log", "Bad rating rectified")
    RATING_REMINDED = (
        "rating_reminded",
        pgettext_lazy("handling log", "Bad-rating follow-up reminder"),
    )
    RATING_OVERDUE = "rating_overdue", pgettext_lazy("handling log", "Bad-rating follow-up overdue")


class HandlingLogEntry(AppendOnlyModel):
    """One line of a ticket's fault-handling log (故障处理记录). Lines are only
    ever added: the model, its querysets, the admin and the database refuse
    edits and deletes."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="handling_log"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("event"), max_length=20, choices=LogKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    clock = models.CharField(_("clock"), max_length=12, choices=ClockKind.choices, blank=True)
    text = models.TextField(_("details"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    # The PostgreSQL trigger comes with AppendOnlyModel; SQLite gets the same
    # from the audit app's migration (helpdesk_site/audit/sqlite.py).
    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]
        verbose_name = _("fault-handling log entry")
        verbose_name_plural = _("fault-handling log")
        indexes = [models.Index(fields=["ticket", "at"], name="handlinglog_ticket_at")]

    def __str__(self):
        return f"#{self.ticket_id} {self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class Incident(models.Model):
    """The incident record of an emergency (应急事件记录)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="incident")
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    impact_regions = models.ManyToManyField(Region, verbose_name=_("regions affected"), blank=True)
    impact_departments = models.ManyToManyField(
        Department, verbose_name=_("departments affected"), blank=True
    )
    impact_subsystems = models.ManyToManyField(
        Subsystem, verbose_name=_("subsystems affected"), blank=True
    )
    impact = models.TextField(_("impact"), blank=True)
    actions_taken = models.TextField(_("actions taken"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return f"#{self.ticket_id} {self.started_at:%Y-%m-%d %H:%M}"
