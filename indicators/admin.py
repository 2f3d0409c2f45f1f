from django.contrib import admin

from indicators.models import Finding, ImportRecord, Indicator, Score


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The province's indicator tree, year by year (the site's 指标体系 page
    also copies a year's tree to the next)."""

    list_display = ["name", "year", "code", "parent", "weight", "full_marks", "target", "subsystem"]
    list_filter = ["year"]
    search_fields = ["name", "code"]
    ordering = ["-year", "order", "code"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["county", "indicator", "period_kind", "period_start", "value", "entered_by"]
    list_filter = ["period_kind", "period_start", "indicator__year"]
    readonly_fields = ["entered_by", "entered_at"]


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Append-only: read here, never changed."""

    list_display = ["at", "by", "source", "period_kind", "period_start", "county", "scores"]
    list_filter = ["source", "period_kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "period_kind", "period_start", "status", "signed_by"]
    list_filter = ["status", "period_kind"]
    search_fields = ["title", "problem"]
    readonly_fields = ["signed_by", "signed_at", "rectification_item"]

    def get_readonly_fields(self, request, obj=None):
        """A signed-off finding is read-only here too."""
        if obj is not None and obj.signed:
            return [f.name for f in obj._meta.fields]
        return self.readonly_fields
