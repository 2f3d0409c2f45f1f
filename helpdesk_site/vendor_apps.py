"""Third-party apps under Chinese names in the admin.

django-helpdesk names itself "Helpdesk" without translation and django-axes
not at all; these subclasses give each app a translatable name and change
nothing else (same label, models and migrations), but for labels helpdesk
leaves untranslatable."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _
from helpdesk.apps import HelpdeskConfig as BaseHelpdeskConfig


class HelpdeskConfig(BaseHelpdeskConfig):
    verbose_name = _("Service desk")

    def ready(self):
        super().ready()
        from helpdesk import forms

        # helpdesk declares these fields without a label, so Django shows
        # the field's English name.
        for form in (forms.ChecklistForm, forms.ChecklistTemplateForm):
            form.base_fields["name"].label = _("Name")


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Login protection")
