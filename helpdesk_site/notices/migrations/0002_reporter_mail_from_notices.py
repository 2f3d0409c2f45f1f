"""The reporter's e-mail about replies and status changes is the notice's
(notices.services.notify), linked to the portal: helpdesk's own templates
for it go, so it no longer sends a second one pointing to its public view.
Without a template helpdesk sends nothing for that role."""

from django.db import migrations

REPLACED = ("updated_submitter", "resolved_submitter", "closed_submitter", "escalated_submitter")


def remove_templates(apps, schema_editor):
    apps.get_model("helpdesk", "EmailTemplate").objects.filter(template_name__in=REPLACED).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0043_fix_on_delete_behaviour"),
        ("notices", "0001_notices_from_sla"),
    ]

    operations = [migrations.RunPython(remove_templates, migrations.RunPython.noop)]
