from django.contrib import admin

from rectification.models import RectificationEvent, RectificationItem


class EventInline(admin.TabularInline):
    model = RectificationEvent
    fields = ["at", "action", "status_before", "status_after", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RectificationItem)
class RectificationItemAdmin(admin.ModelAdmin):
    """Read-mostly: items change only through their status actions on the
    ledger pages, so that every change is in the history."""

    list_display = ["__str__", "region", "period_title", "department", "deadline", "status"]
    list_filter = ["status", "dimension", "period_kind"]
    search_fields = ["finding", "measures", "group_name"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
