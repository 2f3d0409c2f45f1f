from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    label = "reporting"
    verbose_name = _("Reports (运维报表)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from reporting import receivers
        from reporting.aggregates import register_sqlite_percentile

        connection_created.connect(register_sqlite_percentile, dispatch_uid="report_percentile")
        receivers.connect()
