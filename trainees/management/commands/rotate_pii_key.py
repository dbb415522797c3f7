"""`manage.py rotate_pii_key`: re-encrypt ID numbers with the current key and re-hash them.

Key rotation (trainees/pii.py): put the new Fernet key first in DUDAO_PII_KEY, keeping the old
one after it, deploy, run this command, then remove the old key. A new DUDAO_PII_HASH_KEY
takes effect for look-ups at once, so run this command before serving requests: until it
has run, workers are not found by ID number. Rows are rewritten in one transaction; a row
already under the current key with a current hash is left alone, so the command can be run
again safely. `updated_at` is not touched: a rotation is not an edit of the worker's file.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from trainees.models import Trainee
from trainees.pii import id_number_hash, id_number_tail, pii_decrypt, pii_reencrypt

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt every ID number with the first DUDAO_PII_KEY and recompute its hash."

    def handle(self, *args, **options) -> None:
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
