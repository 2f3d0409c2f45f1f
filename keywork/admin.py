from django.contrib import admin

from keywork.models import Item, Milestone


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    readonly_fields = ["done_at", "done_by", "reminded_at", "escalated_at"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    """Read and correct typos; changes of status go through the item's page."""

    list_display = ["title", "year", "kind", "region", "department", "due_date", "status"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["title", "goal", "source_title"]
    readonly_fields = ["status", "completed_at", "cancelled_at", "reminded_at", "escalated_at"]
    inlines = [MilestoneInline]
