from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    label = "rectification"
    verbose_name = _("Rectification ledger (整改台账)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rectification.report_sections import SECTION
        from reporting import sections

        sections.register(SECTION)
