"""ID numbers at rest: encrypted, found by a keyed hash or their tail, keys rotated (PIPL)."""

import io
import re

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from trainees.models import Trainee
from trainees.pii import id_number_hash
from trainees.selectors import trainee_list

pytestmark = pytest.mark.django_db

# Bounded: a password hash or a random token may hold a run of 18 digits by chance.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchall()


def test_the_database_holds_no_id_number_in_clear_text(world, client_for):
    # Some activity first: an edit through the form and a search, as users would.
    client = client_for(world.users.district)
    client.get(reverse("trainees:list"), {"q": world.worker.id_number[-4:]})
    numbers = [t.id_number for t in Trainee.objects.all()]
    assert len(numbers) == 3 and all(ID_PATTERN.fullmatch(n) for n in numbers)
    for table in connection.introspection.table_names():
        for row in _raw_rows(table):
            text = " ".join(str(v) for v in row)
            assert not ID_PATTERN.search(text), (table, text)
            assert not any(n[:14] in text for n in numbers), table  # not even without the tail


def test_workers_are_found_by_hash_and_by_the_tail(world):
    worker = Trainee.objects.get(id_number_hash=id_number_hash(world.worker.id_number))
    assert worker == world.worker and worker.id_number == world.worker.id_number
    district = world.users.district
    assert world.worker in trainee_list(user=district, search=world.worker.id_number[-4:])
    assert world.worker in trainee_list(user=district, search=world.worker.id_number[-6:].lower())
    assert list(trainee_list(user=district, search=world.worker.id_number)) == [world.worker]


def test_changing_the_id_number_rewrites_hash_and_tail_and_keeps_it_unique(world):
    worker = world.worker
    token = worker.id_number_encrypted
    worker.id_number = worker.id_number  # the same number: the ciphertext is not churned
    assert worker.id_number_encrypted == token
    worker.id_number = world.colleague.id_number
    assert worker.id_number_tail == world.colleague.id_number[-4:]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        worker.save()


def test_rotate_pii_key_re_encrypts_and_re_hashes(world, settings):
    old_keys, numbers = settings.DUDAO_PII_KEYS, {t.pk: t.id_number for t in Trainee.objects.all()}
    new_key = Fernet.generate_key().decode()
    settings.DUDAO_PII_KEYS = [new_key, *old_keys]
    settings.DUDAO_PII_HASH_KEY = "a-new-hash-key-for-the-test"
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "3 ID numbers examined, 3 rewritten" in out.getvalue()
    # The old key can go: every number decrypts with the new key alone.
    settings.DUDAO_PII_KEYS = [new_key]
    assert {t.pk: t.id_number for t in Trainee.objects.all()} == numbers
    number = numbers[world.worker.pk]
    assert Trainee.objects.get(id_number_hash=id_number_hash(number)) == world.worker
    # Running it again changes nothing.
    call_command("rotate_pii_key", stdout=out)
    assert "3 ID numbers examined, 0 rewritten" in out.getvalue()
