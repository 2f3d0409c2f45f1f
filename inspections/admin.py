from django.contrib import admin

from inspections.models import Item, Plan


class ItemInline(admin.TabularInline):
    model = Item
    fields = ["order", "name", "kind", "guidance", "above", "below", "active"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Plans are set up on the site's pages (/inspections/); here for repairs."""

    list_display = ["name", "subsystem", "department", "operator", "frequency", "active"]
    list_filter = ["active", "frequency", "subsystem"]
    inlines = [ItemInline]
    autocomplete_fields = ["operator", "created_by"]
