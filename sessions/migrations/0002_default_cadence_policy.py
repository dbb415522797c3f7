from django.db import migrations


def create_policy(apps, schema_editor):
    # The district's defaults: mentor ≥ 2 and drill ≥ 1 sessions a month, lock 10 days after
    # month end. Administrators edit the row in the admin site.
    CadencePolicy = apps.get_model("supervision_sessions", "CadencePolicy")
    CadencePolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("supervision_sessions", "0001_initial")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
