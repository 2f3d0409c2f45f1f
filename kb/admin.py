"""Read-only admin lists of what readers told us (for administrators);
FAQs themselves change only through the lifecycle pages (kb/services.py)."""

from django.contrib import admin

from kb.models import Deflection, Faq, Feedback, SearchMiss


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Faq)
class FaqAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "subsystem", "category", "is_public", "last_checked"]
    list_filter = ["state", "subsystem", "category", "is_public"]
    search_fields = ["kbitem__question"]
    exclude = ["source_tickets", "search_vector"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["faq", "helpful", "user", "created"]
    list_filter = ["helpful"]


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdmin):
    list_display = ["faq", "query", "subsystem", "user", "created"]


@admin.register(SearchMiss)
class SearchMissAdmin(ReadOnlyAdmin):
    list_display = ["query", "where", "user", "created"]
    list_filter = ["where"]
