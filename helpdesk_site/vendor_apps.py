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
        from helpdesk import admin, forms, models

        # helpdesk declares these without a label, so Django would show the
        # field's or method's English name.
        for form in (forms.ChecklistForm, forms.ChecklistTemplateForm):
            form.base_fields["name"].label = _("Name")
        for model_admin in (admin.QueueAdmin, admin.TicketAdmin):
            model_admin.time_spent.short_description = _("Time spent")
        admin.FollowUpAdmin.list_display = tuple(
            _followup_time_spent if name == "time_spent" else name
            for name in admin.FollowUpAdmin.list_display
        )
        for model in (models.PreSetReply, models.EscalationExclusion, models.IgnoreEmail):
            _label_form_field(model._meta.get_field("queues"), _("Queues"))
        _label_form_field(models.FollowUp._meta.get_field("time_spent"), _("Time spent"))
        admin.QueueAdmin.get_form = _labelled(
            admin.QueueAdmin.get_form, {"dedicated_time": _("Dedicated time")}
        )
        forms.EmailIgnoreForm.base_fields["queues"].label = _("Queues")
        if hasattr(admin, "KBItemAdmin"):
            admin.KBItemAdmin.exclude = ("voted_by", "downvoted_by")
            admin.KBItemAdmin.readonly_fields = (_people("voted_by"), _people("downvoted_by"))


def _label_form_field(field, label):
    """Forms made from this model field (admin and helpdesk's own) carry
    `label`; the field itself, and so its migrations, stay as helpdesk has them."""
    formfield = field.formfield

    def labelled_formfield(**kwargs):
        return formfield(**{"label": label, **kwargs})

    field.formfield = labelled_formfield


def _followup_time_spent(followup):
    return followup.time_spent


_followup_time_spent.short_description = _("Time spent")


def _labelled(get_form, labels):
    """A ModelAdmin.get_form whose forms carry these field labels."""

    def get_form_with_labels(model_admin, request, obj=None, **kwargs):
        form = get_form(model_admin, request, obj, **kwargs)
        for name, label in labels.items():
            if name in form.base_fields:
                form.base_fields[name].label = label
        return form

    return get_form_with_labels


def _people(field):
    """A read-only admin column listing the people of a many-to-many field."""
    descriptions = {"voted_by": _("Voted by"), "downvoted_by": _("Downvoted by")}

    def people(item):
        return "、".join(str(user) for user in getattr(item, field).all()) or "—"

    people.short_description = descriptions[field]
    return people


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Login protection")
