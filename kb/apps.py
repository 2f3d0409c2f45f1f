from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from kb import receivers  # noqa: F401  (connects the signal receivers)
