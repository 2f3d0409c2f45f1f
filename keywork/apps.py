from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyworkConfig(AppConfig):
    name = "keywork"
    label = "keywork"
    verbose_name = _("Key work (重点工作)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpdesk_site.navigation import menu
        from helpdesk_site.tickets import scope
        from keywork.report_sections import SECTION
        from reporting import sections

        sections.register(SECTION)
        menu.register(
            menu.MenuItem(
                "platform",
                "keywork",
                _("Key work"),
                "keywork:index",
                order=30,
                visible=scope.sees_key_work,
            )
        )
