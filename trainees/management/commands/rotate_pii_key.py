"""`manage.py rotate_pii_key`: re-encrypt ID numbers with the current key and re-hash them, and
re-encrypt the stored files (uploads, reports) with the current key.

Key rotation (core/crypto.py): put the new Fernet key first in DUDAO_PII_KEY, keeping the old
one after it, deploy, run this command, then remove the old key. A new DUDAO_PII_HASH_KEY
takes effect for look-ups at once, so run this command before serving requests: until it
has run, workers are not found by ID number. Rows are rewritten in one transaction; a row
already under the current key with a current hash is left alone, so the command can be run
again safely. `updated_at` is not touched: a rotation is not an edit of the worker's file.

Stored files are found through every FileField kept by core.storage.EncryptedStorage (so this
app need not know the apps above it that store files). Each is rewritten in place, one at a
time, outside the transaction (a file is not rolled back); one already under the current key
is left alone, and one stored before encryption existed is encrypted now.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from core.storage import EncryptedStorage
from trainees.models import Trainee
from trainees.pii import id_number_hash, id_number_tail, pii_decrypt, pii_reencrypt

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Re-encrypt every ID number and stored file with the first DUDAO_PII_KEY and "
        "recompute the ID numbers' hashes."
    )

    def handle(self, *args, **options) -> None:
        self._id_numbers()
        self._stored_files()

    def _id_numbers(self) -> None:
        fields = ["id_number_encrypted", "id_number_hash", "id_number_tail"]
        examined = rewritten = 0
        with transaction.atomic():
            rows = (
                Trainee.objects.select_for_update()
                .only("pk", *fields)
                .order_by("pk")
                .iterator(chunk_size=BATCH)
            )
            changed: list[Trainee] = []
            for row in rows:
                examined += 1
                token = row.id_number_encrypted
                plain = pii_decrypt(token)
                new = (pii_reencrypt(token), id_number_hash(plain), id_number_tail(plain))
                if new != (token, row.id_number_hash, row.id_number_tail):
                    row.id_number_encrypted, row.id_number_hash, row.id_number_tail = new
                    changed.append(row)
                if len(changed) >= BATCH:
                    Trainee.objects.bulk_update(changed, fields)
                    rewritten += len(changed)
                    changed = []
            Trainee.objects.bulk_update(changed, fields)
            rewritten += len(changed)
        self.stdout.write(f"rotate_pii_key: {examined} ID numbers examined, {rewritten} rewritten.")

    def _stored_files(self) -> None:
        examined = rewritten = missing = 0
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if not (
                    isinstance(field, models.FileField)
                    and isinstance(field.storage, EncryptedStorage)
                ):
                    continue
                names = (
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .order_by("pk")
                    .values_list(field.name, flat=True)
                )
                for name in names.iterator(chunk_size=BATCH):
                    examined += 1
                    if not field.storage.exists(name):
                        missing += 1
                        self.stderr.write(f"rotate_pii_key: {model._meta.label}: {name} missing.")
                    elif field.storage.reencrypt(name):
                        rewritten += 1
        line = f"rotate_pii_key: {examined} stored files examined, {rewritten} rewritten"
        self.stdout.write(f"{line}, {missing} missing." if missing else f"{line}.")
