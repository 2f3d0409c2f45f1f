from django.contrib import admin, messages
from django.utils.translation import ngettext

from sla import selectors
from sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationLadder,
    EscalationStep,
    HandlingLogEntry,
    HolidayNotice,
    Incident,
    SeasonalHours,
    SlaClock,
    SlaPolicy,
    TeamLead,
)


def provisional_warning(years) -> str:
    return ngettext(
        "The holidays of %(years)s are projected from the statutory holidays, not yet "
        "confirmed: due instants there may move. Enter the State Council's notice under "
        "Holiday notices to confirm it.",
        "The holidays of %(years)s are projected from the statutory holidays, not yet "
        "confirmed: due instants there may move. Enter the State Council's notices under "
        "Holiday notices to confirm them.",
        len(years),
    ) % {"years": "、".join(str(y) for y in years)}


class ProvisionalYearsWarning:
    """Shows, on the SLA admin pages, which coming years are not confirmed."""

    def changelist_view(self, request, extra_context=None):
        years = selectors.provisional_years(selectors.Calendars().get(None))
        if years:
            messages.warning(request, provisional_warning(years))
        return super().changelist_view(request, extra_context)


class UnreachableStepsWarning:
    """Shows, on the ladder, policy and team-lead pages, which escalation
    steps would reach nobody somewhere."""

    def _warn(self, request):
        for warning in selectors.unreachable_steps():
            messages.warning(request, warning)

    def changelist_view(self, request, extra_context=None):
        self._warn(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._warn(request)
        return super().change_view(request, object_id, form_url, extra_context)


class SeasonalHoursInline(admin.TabularInline):
    model = SeasonalHours
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ProvisionalYearsWarning, admin.ModelAdmin):
    list_display = ["name", "is_default", "working_hours", "time_zone"]
    inlines = [SeasonalHoursInline, CalendarDayInline]


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(ProvisionalYearsWarning, admin.ModelAdmin):
    list_display = ["year", "title", "confirmed_by", "confirmed_at"]
    readonly_fields = ["confirmed_by", "confirmed_at"]

    def save_model(self, request, obj, form, change):
        obj.confirmed_by = request.user
        super().save_model(request, obj, form, change)


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 1


@admin.register(EscalationLadder)
class EscalationLadderAdmin(UnreachableStepsWarning, admin.ModelAdmin):
    inlines = [EscalationStepInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(UnreachableStepsWarning, ProvisionalYearsWarning, admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "priority",
        "subsystem",
        "region",
        "response_minutes",
        "resolution_minutes",
        "around_the_clock",
        "ladder",
        "is_active",
    ]
    list_editable = ["response_minutes", "resolution_minutes", "is_active"]
    list_filter = ["category", "priority", "around_the_clock", "is_active"]
    raw_id_fields = ["region"]


@admin.register(TeamLead)
class TeamLeadAdmin(UnreachableStepsWarning, admin.ModelAdmin):
    list_display = ["subsystem", "user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the engine writes; people read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "kind",
        "target_minutes",
        "due_at",
        "level_percent",
        "breached_at",
        "stopped_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["ticket"]


@admin.register(HandlingLogEntry)
class HandlingLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "at", "kind", "clock", "actor", "text"]
    list_filter = ["kind"]
    search_fields = ["=ticket__id"]
    list_select_related = ["actor", "ticket"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "started_at", "ended_at"]
    readonly_fields = ["ticket"]
    filter_horizontal = ["impact_regions", "impact_departments", "impact_subsystems"]

    def has_add_permission(self, request):
        return False  # opened by the engine when an emergency is filed

    def has_delete_permission(self, request, obj=None):
        return False
