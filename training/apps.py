from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    label = "training"
    verbose_name = _("Training (培训)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reporting import sections
        from training.report_sections import SECTION

        sections.register(SECTION)
