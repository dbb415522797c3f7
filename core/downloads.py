"""Stored files (report PDFs and spreadsheets, uploaded imports) sent after a view has checked
who may have them.

The files are encrypted at rest (core/storage.py), so Django decrypts and streams them: nginx
could not send them from disk, and there is no /media/ location or route for it to use
(X-Accel-Redirect was dropped with the encryption). The files are small (a district report's
PDF is about 500 KiB, docs/benchmarks.md; an upload at most 30 MB) and decrypted in memory.
"""

import io

from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.cache import patch_cache_control


def protected_download(file: FieldFile, *, filename: str) -> FileResponse:
    """The file's content, decrypted, as an attachment named `filename` (its content type
    follows from that name, not from the stored one, which is random)."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    # Personal data: no shared cache and no copy left in the browser's cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def generated_download(content: bytes, *, filename: str) -> FileResponse:
    """A file made for this request (a worker's personnel-file PDF) as an attachment, with the
    same headers as a stored one: personal data, kept in no cache."""
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename)
    patch_cache_control(response, private=True, no_store=True)
    return response
