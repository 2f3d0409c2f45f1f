from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    label = "quizzes"
    verbose_name = _("Training assessment (培训成果考核)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from quizzes import receivers
        from quizzes.report_sections import SECTION
        from reporting import sections
        from training import signals

        sections.register(SECTION)
        signals.people_invited.connect(
            receivers.on_people_invited, dispatch_uid="quizzes_people_invited"
        )
