from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk_site.outbox import services
from helpdesk_site.outbox.models import Message, State


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only but for one action: send failed messages again."""

    list_display = ["summary", "state", "attempts", "due_at", "delivered_at"]
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["key", "summary"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = [
        "summary",
        "key",
        "kind",
        "handler",
        "payload",
        "state",
        "attempts",
        "created_at",
        "due_at",
        "delivered_at",
        "last_error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's retry action changes messages; a message's own page only shows it.
        return obj is None and super().has_change_permission(request)

    @admin.action(description=_("Send the selected failed messages again"), permissions=["change"])
    def retry(self, request, queryset):
        count = services.retry(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed message will be sent again.",
                "%(count)d failed messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
