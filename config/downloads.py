"""Stored files (report PDFs and spreadsheets, uploaded imports) sent after a view has checked
who may have them.

Behind nginx (production, DUDAO_X_ACCEL_REDIRECT on) the answer carries no body, only
`X-Accel-Redirect: /media/<path>`, and nginx sends the file from disk out of its `internal`
/media/ location (deploy/nginx/dudao.conf): no gunicorn worker is held for the length of a
download. The path is percent-encoded, as nginx (since 1.5.9) expects: uploaded file names
are often Chinese. Without nginx (`make run`, tests, the load test) Django streams the file.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def protected_download(file: FieldFile, *, filename: str) -> HttpResponse:
    if settings.DUDAO_X_ACCEL_REDIRECT:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(f"{settings.MEDIA_URL}{file.name}")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=filename
        )
        return response
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename)
