from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk_site.people.models import Department, User

# Django stores a permission's name in English when it is made; the admin
# names it from the model instead, in the interface's language.
ACTIONS = {"add": _("add"), "change": _("change"), "delete": _("delete"), "view": _("view")}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    app = model._meta.app_config.verbose_name if model else permission.content_type.app_label
    action, _sep, rest = permission.codename.partition("_")
    if model is not None and action in ACTIONS and rest == model._meta.model_name:
        what = gettext("%(action)s %(model)s") % {
            "action": ACTIONS[action],
            "model": _model_name(model),
        }
    elif permission.name.startswith("Permission for queue: "):
        what = gettext("Work the queue %(queue)s") % {
            "queue": permission.name.removeprefix("Permission for queue: ")
        }
    else:
        what = gettext(permission.name)
    return f"{app} | {what}"


def _model_name(model) -> str:
    # django-simple-history names its models "historical …" untranslated.
    original = getattr(model, "instance_type", None)
    if original is not None:
        return gettext("history of %(model)s") % {"model": _model_name(original)}
    # Models without a verbose name (helpdesk's, a few of ours) have the
    # default one as their catalogue entry.
    return gettext(str(model._meta.verbose_name))


class PermissionField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission):
        return permission_label(permission)


class ChinesePermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionField
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ChinesePermissionsMixin, GroupAdmin):
    pass


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region__level"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]


@admin.register(User)
class ServiceDeskUserAdmin(ChinesePermissionsMixin, UserAdmin):
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
