"""Request facts the sign-in protections depend on."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address login throttling counts failures against.

    In production gunicorn listens only to nginx, which overwrites X-Real-IP with the peer
    address, so the header can be trusted there; anywhere else a client could forge it.
    """
    if settings.DUDAO_TRUST_X_REAL_IP:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")
