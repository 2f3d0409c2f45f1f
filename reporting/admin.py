from django.contrib import admin

from reporting.models import StoredReport


@admin.register(StoredReport)
class StoredReportAdmin(admin.ModelAdmin):
    list_display = ["region", "kind", "period_start", "format", "created_at", "created_by"]
    list_filter = ["kind", "format"]
    readonly_fields = ["created_at", "created_by"]
