from django.db import migrations


def create_policy(apps, schema_editor):
    # Changning's plan: one supervisor per ten workers (1:10); mentor mode for workers with at
    # most three completed years of community work. District administrators edit the row in
    # the admin site.
    SupervisionPolicy = apps.get_model("supervisors", "SupervisionPolicy")
    SupervisionPolicy.objects.get_or_create(
        pk=1, defaults={"district_ratio": 10, "mentor_max_service_years": 3}
    )


class Migration(migrations.Migration):
    dependencies = [("supervisors", "0002_supervision_policy")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
