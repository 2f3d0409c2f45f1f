from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from helpdesk_site.people.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region__level"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]


@admin.register(User)
class ServiceDeskUserAdmin(UserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "department", "is_active"]
    list_filter = ["role", "is_active", "department__region"]
    search_fields = ["username", "first_name", "last_name", "email", "department__name"]
    autocomplete_fields = ["department", "supervised_region"]
    # Group membership follows the role; permissions are edited on the groups.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["last_name", "first_name", "email", "phone"]}),
        (_("Service desk"), {"fields": ["role", "department", "supervised_region"]}),
        (_("Permissions"), {"fields": ["is_active", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "password1", "password2", "role", "department"],
            },
        )
    ]
    filter_horizontal = ["user_permissions"]
