from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "helpdesk_site.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from helpdesk_site.audit import receivers

        receivers.connect()
