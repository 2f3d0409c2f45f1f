"""Training in the admin, for administrators: the plans' floor and notes and
the materials' descriptions can be corrected here; sessions are read here and
changed on their pages (training/services.py checks them), and material files
are uploaded there too, checked by content."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sla.admin import ReadOnlyAdmin
from training.models import MIN_ROUNDS, Material, MaterialVersion, TrainingPlan, TrainingSession


class TrainingPlanForm(forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = ["min_rounds", "notes"]

    def clean_min_rounds(self):
        rounds = self.cleaned_data["min_rounds"]
        if rounds < MIN_ROUNDS:
            raise forms.ValidationError(
                _("The contract asks for at least %(n)d rounds a year.") % {"n": MIN_ROUNDS}
            )
        return rounds


@admin.register(TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin):
    form = TrainingPlanForm
    list_display = ["year", "region", "min_rounds", "created_by", "created_at", "warned_at"]
    list_filter = ["year"]
    search_fields = ["region__name", "region__code"]
    readonly_fields = ["year", "region", "created_by", "created_at", "warned_at"]
    fields = ["year", "region", "min_rounds", "notes", "created_by", "created_at", "warned_at"]

    def has_add_permission(self, request):
        # A plan is made on the training page, once per region and year.
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "starts_at", "ends_at", "form", "cancelled"]
    list_filter = ["form", "cancelled", "plan__year"]
    list_select_related = ["plan__region"]
    search_fields = ["title", "outline"]
    date_hierarchy = "starts_at"


class MaterialVersionInline(admin.TabularInline):
    model = MaterialVersion
    fields = ["number", "filename", "content_type", "size", "platform_change", "uploaded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "created_by", "created_at"]
    list_select_related = ["region", "created_by"]
    search_fields = ["title"]
    fields = ["title", "region", "sessions", "subsystems", "faqs", "created_by", "created_at"]
    readonly_fields = ["region", "created_by", "created_at"]
    filter_horizontal = ["sessions", "subsystems", "faqs"]
    inlines = [MaterialVersionInline]

    def has_add_permission(self, request):
        # A material comes with its first file, uploaded on the materials page.
        return False
