import datetime as dt
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    StaffingNorm = apps.get_model("neighbourhoods", "StaffingNorm")
    # Shanghai's rules expect about 18 community workers per 10,000 residents (DOMAIN.md,
    # "Staffing quota"); from the first day Dudao counts, until the district records another.
    StaffingNorm.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "workers_per_10k": Decimal("18"),
            "source": "上海市社区工作者配备要求：每万名常住人口约 18 名（待区里核实）",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("neighbourhoods", "0002_resident_population")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
