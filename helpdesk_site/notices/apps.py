from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "helpdesk_site.notices"
    label = "notices"
    verbose_name = _("Notices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpdesk_site.notices import receivers, services

        receivers.connect()
        post_migrate.connect(services.ensure_site, sender=self)
