"""The prefecture and its 18 counties are always there, with or without the
full division file loaded by `manage.py load_regions`."""

from django.db import migrations

from helpdesk_site.regions.codes import SHIPPED_DIVISIONS, read_divisions


def add_counties(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for division in read_divisions(SHIPPED_DIVISIONS, max_level="county"):
        Region.objects.update_or_create(
            code=division.code,
            defaults={
                "name": division.name,
                "level": division.level,
                "parent_id": division.parent_code if division.level == "county" else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(add_counties, migrations.RunPython.noop)]
