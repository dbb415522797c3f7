"""Production: every secret and address from the environment; PostgreSQL and Redis required."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# ID-number encryption and look-up keys (trainees/pii.py): no insecure default in production.
DUDAO_PII_KEYS = env.list("DUDAO_PII_KEY")
DUDAO_PII_HASH_KEY = env("DUDAO_PII_HASH_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES["default"] = env.db("DATABASE_URL")
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")  # see base.py
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
# One cache for every gunicorn worker (dashboards, reports.selectors; sessions): Redis, by
# default the broker's server under its own key prefix. A Redis outage reads as an empty
# cache, not as failing pages (config/cache.py); the timeouts bound the wait on a hung server.
CACHES = {
    "default": {
        "BACKEND": "config.cache.TolerantRedisCache",
        "LOCATION": env("DJANGO_CACHE_URL", default=CELERY_BROKER_URL),
        "KEY_PREFIX": "dudao",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
# Sessions read from that cache, written through to the database: no session query per page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Behind a TLS-terminating proxy (nginx) on the district intranet.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# gunicorn listens only to nginx, which sets X-Real-IP (deploy/nginx/dudao.conf): login
# throttling counts failures per real client address, not per proxy.
DUDAO_TRUST_X_REAL_IP = env.bool("DUDAO_TRUST_X_REAL_IP", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
