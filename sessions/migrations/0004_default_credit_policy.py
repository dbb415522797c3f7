from django.db import migrations


def create_policy(apps, schema_editor):
    # The district's defaults: present and late earn the event's full hours, leaving early half,
    # absence and leave none. Administrators edit the row in the admin site.
    CreditPolicy = apps.get_model("supervision_sessions", "CreditPolicy")
    if not CreditPolicy.objects.exists():
        CreditPolicy.objects.create()


class Migration(migrations.Migration):
    dependencies = [("supervision_sessions", "0003_training")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
