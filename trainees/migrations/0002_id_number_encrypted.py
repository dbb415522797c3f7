"""ID numbers encrypted at rest, with a keyed hash for look-up and the last 4 characters for search.

Existing rows are converted with the keys in force (DUDAO_PII_KEY, DUDAO_PII_HASH_KEY); the
clear-text column is then dropped. Reversible: going back decrypts into the old column.
"""

from django.db import migrations, models

from trainees.pii import id_number_hash, id_number_tail, pii_decrypt, pii_encrypt


def encrypt(apps, schema_editor):
    Trainee = apps.get_model("trainees", "Trainee")
    rows = list(Trainee.objects.only("pk", "id_number"))
    for row in rows:
        row.id_number_encrypted = pii_encrypt(row.id_number)
        row.id_number_hash = id_number_hash(row.id_number)
        row.id_number_tail = id_number_tail(row.id_number)
    Trainee.objects.bulk_update(
        rows, ["id_number_encrypted", "id_number_hash", "id_number_tail"], batch_size=1000
    )


def decrypt(apps, schema_editor):
    Trainee = apps.get_model("trainees", "Trainee")
    rows = list(Trainee.objects.only("pk", "id_number_encrypted"))
    for row in rows:
        row.id_number = pii_decrypt(row.id_number_encrypted)
    Trainee.objects.bulk_update(rows, ["id_number"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("trainees", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="trainee",
            name="id_number",
            field=models.CharField(max_length=18, null=True, blank=True, verbose_name="身份证号"),
        ),
        migrations.AddField(
            model_name="trainee",
            name="id_number_encrypted",
            field=models.TextField(default="", editable=False, verbose_name="身份证号（密文）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="trainee",
            name="id_number_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="身份证号（散列）"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="trainee",
            name="id_number_tail",
            field=models.CharField(
                default="", editable=False, max_length=4, verbose_name="身份证号后四位"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.RemoveField(model_name="trainee", name="id_number"),
        migrations.AddConstraint(
            model_name="trainee",
            constraint=models.UniqueConstraint(
                fields=("id_number_hash",), name="trainee_id_number_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="trainee",
            index=models.Index(fields=["id_number_tail"], name="trainee_id_number_tail"),
        ),
    ]
