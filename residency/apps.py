from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidencyConfig(AppConfig):
    name = "residency"
    label = "residency"
    verbose_name = _("Resident engineer assessment (驻场考核)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reporting import sections
        from residency.report_sections import SECTION

        sections.register(SECTION)
