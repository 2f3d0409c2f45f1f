"""Withdrawn tickets for administrators, and their restoring; tickets cannot
be deleted from the admin."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk import admin as helpdesk_admin
from helpdesk.models import Ticket

from helpdesk_site.audit import services
from helpdesk_site.audit.forms import ReasonForm
from helpdesk_site.audit.models import Withdrawal
from helpdesk_site.tickets import scope

admin.site.unregister(Ticket)


@admin.register(Ticket)
class TicketAdmin(helpdesk_admin.TicketAdmin):
    """django-helpdesk's ticket admin, less deleting: tickets are withdrawn."""

    def has_delete_permission(self, request, obj=None):
        return False


class OpenFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("1", gettext_lazy("Withdrawn")), ("0", gettext_lazy("Restored"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(restored_at__isnull=True)
        if self.value() == "0":
            return queryset.filter(restored_at__isnull=False)
        return queryset


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    list_display = [
        "ticket_id",
        "ticket_title",
        "withdrawn_by",
        "withdrawn_at",
        "reason",
        "restored_by",
        "restored_at",
    ]
    list_filter = [OpenFilter]
    list_select_related = ["ticket", "withdrawn_by", "restored_by"]
    search_fields = ["ticket__id", "ticket__title", "reason"]
    readonly_fields = [
        "ticket",
        "withdrawn_by",
        "withdrawn_at",
        "reason",
        "restored_by",
        "restored_at",
        "restore_reason",
    ]
    change_form_template = "audit/admin/withdrawal_change_form.html"

    @admin.display(description=gettext_lazy("title"))
    def ticket_title(self, obj):
        return obj.ticket.title

    def has_module_permission(self, request):
        return scope.can_restore(request.user)

    def has_view_permission(self, request, obj=None):
        return scope.can_restore(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        restore = path(
            "<path:object_id>/restore/",
            self.admin_site.admin_view(self.restore_view),
            name="audit_withdrawal_restore",
        )
        return [restore, *super().get_urls()]

    def restore_view(self, request, object_id):
        if not scope.can_restore(request.user):
            raise PermissionDenied
        withdrawal = get_object_or_404(Withdrawal, pk=object_id, restored_at__isnull=True)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.restore_ticket(
                    user=request.user, withdrawal=withdrawal, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                messages.success(
                    request, _("Ticket #%(id)s is restored.") % {"id": withdrawal.ticket_id}
                )
                return redirect(reverse("admin:audit_withdrawal_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "withdrawal": withdrawal,
            "form": form,
            "title": _("Restore ticket #%(id)s") % {"id": withdrawal.ticket_id},
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "audit/admin/restore.html", context, status=status)
