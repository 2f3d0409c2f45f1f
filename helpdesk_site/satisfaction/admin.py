from django.contrib import admin

from helpdesk_site.satisfaction.models import BadRatingFollowUp, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "score", "rated_at", "changed_at"]
    list_filter = ["score"]
    readonly_fields = ["ticket", "rated_by", "rated_at", "changed_at"]


@admin.register(BadRatingFollowUp)
class BadRatingFollowUpAdmin(admin.ModelAdmin):
    list_display = ["ticket", "county_code", "state", "opened_at", "due_at", "breached_at"]
    list_filter = ["state", "county_code"]
    readonly_fields = ["rating", "ticket", "opened_at", "due_at", "breached_at", "level_percent"]
