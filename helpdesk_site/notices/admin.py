from django.contrib import admin

from helpdesk_site.notices.models import Notice
from sla.admin import ReadOnlyAdmin


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "ticket", "created_at", "read_at", "message"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "ticket"]
