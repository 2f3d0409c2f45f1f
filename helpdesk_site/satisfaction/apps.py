from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "helpdesk_site.satisfaction"
    label = "satisfaction"
    verbose_name = _("Satisfaction (好差评)")
    default_auto_field = "django.db.models.BigAutoField"
