from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "helpdesk_site.people"
    label = "people"
    verbose_name = _("People and departments")

    def ready(self):
        from helpdesk_site.people import checks, services  # noqa: F401  checks register

        post_migrate.connect(services.ensure_role_groups_after_migrate, sender=self)
        post_save.connect(
            services.sync_role_group_on_save,
            sender=self.get_model("User"),
            dispatch_uid="people.sync_role_group",
        )
