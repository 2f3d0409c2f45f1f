from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "helpdesk_site.chat"
    label = "chat"
    verbose_name = _("Ticket chat")

    def ready(self):
        from helpdesk_site.chat import receivers  # noqa: F401  (connects the signal receivers)
