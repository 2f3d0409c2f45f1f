"""django.contrib.admin with its site open to administrators only."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class AdministratorsOnlyAdminSite(admin.AdminSite):
    """Operators are staff (django-helpdesk's staff pages need that), which
    alone would let them into the admin; the admin is for administrators."""

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class AdminConfig(BaseAdminConfig):
    default_site = "helpdesk_site.people.admin_site.AdministratorsOnlyAdminSite"
