from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    label = "inspections"
    verbose_name = _("Inspections and spot checks (巡检/抽检)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpdesk_site.navigation import menu
        from helpdesk_site.tickets import scope
        from inspections.report_sections import SECTION
        from reporting import sections

        sections.register(SECTION)
        menu.register(
            menu.MenuItem(
                "platform",
                "inspections",
                _("Inspections"),
                "inspections:index",
                order=10,
                visible=scope.sees_inspections,
            )
        )
