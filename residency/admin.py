from django.contrib import admin

from residency.models import AssessmentTemplate, Engineer, TemplateItem


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    fields = ["order", "name", "source", "weight"]
    extra = 1


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    """The assessment's items, weights and pass mark (考核方案). The newest
    template in use scores new assessments; recorded ones keep their own copy."""

    list_display = ["name", "pass_mark", "active", "created_at"]
    inlines = [TemplateItemInline]


@admin.register(Engineer)
class EngineerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "post", "on_duty_since", "contractor_lead", "active"]
    list_filter = ["active"]
    autocomplete_fields = ["user", "contractor_lead"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
