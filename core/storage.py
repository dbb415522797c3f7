"""Stored files that hold personal data (uploaded imports, generated reports), encrypted at rest.

`EncryptedStorage` keeps each file in the default storage (settings.STORAGES["default"]: the
media directory in production, memory in tests, a shared directory for the Celery worker
tests), Fernet-encrypted with the ID numbers' keys (core/crypto.py), and decrypts it when it is
opened. It is looked up through `default_storage` at every call, so a STORAGES override in
settings or in a test applies to it as well.

On disk a file is `MAGIC` followed by a Fernet token: neither a spreadsheet nor a PDF, and no
ID number in it. A file without `MAGIC` was stored before encryption: it is read as it is,
and `manage.py rotate_pii_key` encrypts it (`EncryptedStorage.reencrypt`).

There is no URL: such a file leaves only through a view that checks who may have it
(core/downloads.py `protected_download`), which sends it decrypted.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import transaction
from django.utils import timezone

from .crypto import pii_fernet, pii_token_rotate

# Versioned, so that another scheme can be told apart later; never the start of a Fernet token
# (always "gAAAA"), of a spreadsheet ("PK", "\xd0\xcf") or of a PDF ("%PDF").
MAGIC = b"dudao-fernet-1\n"


def unguessable_name(folder: str) -> str:
    """`<folder>/<year>/<32 random hex digits>`: says nothing of the file and cannot be guessed.

    The year keeps directories small and lets an operator see the age of a file; the name the
    user knows (an upload's own, a report's period) is kept on the row and given at download.
    """
    return f"{folder}/{timezone.now():%Y}/{secrets.token_hex(16)}"


def delete_on_commit(storage: Storage, names: list[str]) -> None:
    """Delete these files once the transaction that stopped pointing at them commits.

    A rollback keeps the files with the rows that still name them; a failure after the commit
    leaves at worst an encrypted file that no row names, never a row naming a missing file.
    """

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _decrypt(stored: bytes) -> bytes:
    if not stored.startswith(MAGIC):
        return stored  # stored before encryption; rotate_pii_key encrypts it
    try:
        return pii_fernet().decrypt(stored[len(MAGIC) :])
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored file cannot be decrypted with DUDAO_PII_KEY: a key is missing from the list."
        ) from exc


class EncryptedStorage(Storage):
    @property
    def inner(self) -> Storage:
        # Resolved at each call, not kept: override_settings(STORAGES=...) resets it.
        return default_storage

    def _read_stored(self, name: str) -> bytes:
        with self.inner.open(name, "rb") as stored:
            return stored.read()

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Encrypted files are written with save(), never opened for writing.")
        return ContentFile(_decrypt(self._read_stored(name)), name=name)

    def _save(self, name: str, content: File) -> str:
        plain = b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in content.chunks()
        )
        return self.inner.save(name, ContentFile(MAGIC + pii_fernet().encrypt(plain)))

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        # The size of the content, not of the ciphertext (a third larger): what a caller of
        # FieldFile.size means. Rarely asked (benchmarks), so decrypting is affordable.
        return len(_decrypt(self._read_stored(name)))

    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "Encrypted files have no URL: send them through an access-checked view "
            "(core.downloads.protected_download)."
        )

    def get_accessed_time(self, name: str) -> dt.datetime:
        return self.inner.get_accessed_time(name)

    def get_created_time(self, name: str) -> dt.datetime:
        return self.inner.get_created_time(name)

    def get_modified_time(self, name: str) -> dt.datetime:
        return self.inner.get_modified_time(name)

    def reencrypt(self, name: str) -> bool:
        """Rewrite the file under the current key (or encrypt one stored in clear), keeping its
        name. False when it is already under the current key. Idempotent."""
        stored = self._read_stored(name)
        if stored.startswith(MAGIC):
            try:
                token = pii_token_rotate(stored[len(MAGIC) :])
            except InvalidToken as exc:
                raise ImproperlyConfigured(
                    f"Stored file {name} cannot be decrypted with DUDAO_PII_KEY: "
                    "a key is missing from the list."
                ) from exc
            if token is None:
                return False
        else:
            token = pii_fernet().encrypt(stored)
        self._replace(name, MAGIC + token)
        return True

    def _replace(self, name: str, data: bytes) -> None:
        # default_storage is a LazyObject, which answers isinstance() for what it wraps.
        if not isinstance(self.inner, FileSystemStorage):
            # Not on a local disk (memory in tests): there is no atomic rename to use.
            self.inner.delete(name)
            if self.inner.save(name, ContentFile(data)) != name:
                raise RuntimeError(f"Stored file {name} could not be rewritten under its name.")
            return
        path = Path(self.inner.path(name))
        # Written beside it and renamed over it: a rotation stopped midway never leaves a
        # half-written file, only the old one or the new one.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rotating-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, path.stat().st_mode & 0o777)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


_encrypted = EncryptedStorage()


def encrypted_storage() -> EncryptedStorage:
    """For `FileField(storage=encrypted_storage)`: a callable, so that migrations name it
    rather than serialise a storage object."""
    return _encrypted
