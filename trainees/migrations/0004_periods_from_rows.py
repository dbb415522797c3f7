"""Each existing worker becomes one period from the day they joined (nothing is lost).

A worker who has left gets a second, open period from the date left (离职). A worker on leave
today gets their leave from the migration's day on: its start was never recorded, and putting
them on leave for their whole past would rewrite every past 在岗 figure.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Trainee = apps.get_model("trainees", "Trainee")
    WorkerPeriod = apps.get_model("trainees", "WorkerPeriod")
    today = timezone.localdate()
    periods = []
    fields = (
        "pk",
        "subdistrict_id",
        "neighbourhood_id",
        "post",
        "grade_id",
        "status",
        "joined",
        "left_on",
    )
    for pk, sub, nb, post, grade, status, joined, left_on in (
        Trainee.objects.order_by().values_list(*fields).iterator(chunk_size=2000)
    ):
        base = dict(
            trainee_id=pk,
            subdistrict_id=sub,
            neighbourhood_id=nb,
            post=post,
            grade_id=grade,
            reason="",
            document_no="",
        )
        if status == "left" and left_on:
            if left_on > joined:
                periods.append(
                    WorkerPeriod(
                        **base,
                        starts_on=joined,
                        ends_on=left_on - dt.timedelta(days=1),
                        state="on_duty",
                        change="migrated",
                    )
                )
            periods.append(
                WorkerPeriod(**base, starts_on=max(left_on, joined), state="left", change="left")
            )
        elif status == "on_leave" and joined < today:
            periods.append(
                WorkerPeriod(
                    **base,
                    starts_on=joined,
                    ends_on=today - dt.timedelta(days=1),
                    state="on_duty",
                    change="migrated",
                )
            )
            periods.append(
                WorkerPeriod(
                    **base, starts_on=today, state="leave", leave_kind="other", change="leave"
                )
            )
        else:
            state = "leave" if status == "on_leave" else "on_duty"
            periods.append(
                WorkerPeriod(
                    **base,
                    starts_on=joined,
                    state=state,
                    leave_kind="other" if state == "leave" else "",
                    change="migrated",
                )
            )
        if len(periods) >= 5000:
            WorkerPeriod.objects.bulk_create(periods)
            periods = []
    WorkerPeriod.objects.bulk_create(periods)


def backwards(apps, schema_editor):
    apps.get_model("trainees", "WorkerPeriod").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("trainees", "0003_worker_periods")]
    operations = [migrations.RunPython(forwards, backwards)]
