from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "helpdesk_site.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from helpdesk_site.tickets import changes, history, mail_sender, queue_counts, services

        changes.connect()
        history.connect()
        mail_sender.connect()
        queue_counts.connect()
        post_migrate.connect(services.ensure_subsystems_after_migrate, sender=self)
