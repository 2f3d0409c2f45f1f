from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    label = "indicators"
    verbose_name = _("Indicator analysis (数据分析)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpdesk_site.navigation import menu
        from helpdesk_site.tickets import scope
        from indicators.report_sections import SECTION
        from reporting import sections

        sections.register(SECTION)
        menu.register(
            menu.MenuItem(
                "platform",
                "indicators",
                _("Indicator analysis"),
                "indicators:index",
                order=20,
                visible=scope.sees_indicators,
            )
        )
