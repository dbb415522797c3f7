from django.db import migrations


def create_policy(apps, schema_editor):
    # The district's defaults: uploads kept 90 days, report files 365 days. District
    # administrators edit the row in the admin site.
    RetentionPolicy = apps.get_model("audit", "RetentionPolicy")
    RetentionPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_retentionpolicy")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
