"""Test settings: fast hashing, eager tasks, in-memory SQLite unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not env("DATABASE_URL", default=""):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}

# Tests that need them turn these on with the `settings` fixture (tests/accounts/).
DUDAO_REQUIRE_2FA = False
DUDAO_SESSION_IDLE_TIMEOUT = 0
# Login throttling stays on. The test client's login() calls authenticate() without a request,
# which django-axes refuses; this subclass lets such calls through to ModelBackend and checks
# every request-bearing sign-in (the login form, the browser journeys) as production does.
AUTHENTICATION_BACKENDS = [
    "tests.accounts.backends.TestClientAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.DistrictAdminPermissionBackend",
]
