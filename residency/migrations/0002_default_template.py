from django.db import migrations

# The assessment as first shipped; an administrator changes items, weights
# and the pass mark in the admin (a new template keeps earlier assessments as scored).
ITEMS = [
    ("服务按时率（SLA按时解决率）", "sla_on_time", 30),
    ("响应时效", "response_time", 10),
    ("解决时效", "resolution_time", 10),
    ("好差评（非差评占比）", "satisfaction", 20),
    ("业务能力与平台熟练程度", "manual", 15),
    ("工作纪律与服务态度", "manual", 15),
]


def add_template(apps, schema_editor):
    Template = apps.get_model("residency", "AssessmentTemplate")
    if Template.objects.exists():
        return
    template = Template.objects.create(name="驻场运维人员考核表", pass_mark=85)
    for order, (name, source, weight) in enumerate(ITEMS):
        template.items.create(name=name, source=source, weight=weight, order=order)


class Migration(migrations.Migration):
    dependencies = [("residency", "0001_initial")]

    operations = [migrations.RunPython(add_template, migrations.RunPython.noop)]
