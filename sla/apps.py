from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    label = "sla"
    verbose_name = _("Service levels (SLA)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sla import handlers, services

        post_migrate.connect(services.ensure_defaults_after_migrate, sender=self)
        handlers.connect()
