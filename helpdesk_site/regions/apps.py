from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "helpdesk_site.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self):
        from helpdesk_site.regions import services

        post_migrate.connect(services.ensure_counties_after_migrate, sender=self)
