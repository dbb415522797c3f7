"""Settings shared by every environment; each value that differs comes from the environment."""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")


def _insecure_key(purpose: str) -> str:
    """Derived from a public string, so the same everywhere: never for real data."""
    digest = hashlib.sha256(f"dudao-INSECURE-local-{purpose}-key".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


# ID numbers are encrypted at rest and looked up by a keyed hash (trainees/pii.py). These
# defaults are derived from a public string: INSECURE, for development and tests only;
# production.py requires both from the environment. DUDAO_PII_KEY: comma-separated Fernet
# keys, the current one first (`manage.py rotate_pii_key`).
DUDAO_PII_KEYS = env.list("DUDAO_PII_KEY", default=[_insecure_key("pii")])
DUDAO_PII_HASH_KEY = env("DUDAO_PII_HASH_KEY", default=_insecure_key("pii-hash"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "accounts.admin_apps.DudaoAdminConfig",  # django.contrib.admin, district administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core.apps.CoreConfig",
    "accounts",
    "neighbourhoods",
    "trainees",
    "supervisors",
    "sessions.apps.SupervisionSessionsConfig",
    "training",
    "certification",
    "reports",
    "imports",
    "audit",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.RejectNulCharactersMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "accounts.context_processors.capabilities",
            ],
        },
    },
]

# Local default: SQLite in var/; DATABASE_URL (postgres://...) switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # JIT compilation costs seconds on the dashboards' aggregate queries and saves nothing at
    # this data size (measured in the load test: certification dashboard 6.4 s → 0.47 s).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.DistrictAdminPermissionBackend",
]

# Argon2id at OWASP's parameters (accounts/hashers.py); PBKDF2 hashes from before still verify
# and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

# Password policy (等保 2.0 identity checks): at least 10 characters, not like the username,
# not a common password, not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first; English through the language switch.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))

SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed out after this long without a request (accounts.middleware); 0 turns it off.
DUDAO_SESSION_IDLE_TIMEOUT = env.int("DUDAO_SESSION_IDLE_TIMEOUT", default=60 * 60)

# Login throttling (django-axes): 5 failed passwords for one username from one address lock
# that pair out for 30 minutes; a success clears the count.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# Only nginx in front of gunicorn may be believed about the client's address (production).
DUDAO_TRUST_X_REAL_IP = env.bool("DUDAO_TRUST_X_REAL_IP", default=False)

# Two-factor sign-in (TOTP) for district administrators; off only where the environment says
# so (local demo and tests, see their settings).
DUDAO_REQUIRE_2FA = env.bool("DUDAO_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "督导 Dudao"

DJANGO_TABLES2_TEMPLATE = "components/table.html"

# Celery: the local default is a broker in a SQLite file, so no server is needed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery.sqlite3'}")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="dudao@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Request log lines carry no query strings and no ID or mobile numbers (issue 15): roster
    # searches put names, phone numbers and ID numbers in the URL (core/redact.py).
    "filters": {"redact_requests": {"()": "core.redact.RequestLogFilter"}},
    "formatters": {
        # runserver's own format (django.utils.log.DEFAULT_LOGGING), kept as it was.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint and fontTools log every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # runserver's access lines ("GET /workers/?q=… HTTP/1.1" 200 …). Configuring the
        # logger replaces Django's default handler, so the same one is declared above.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_requests"],
        },
        # The path of every 4xx/5xx ("Not Found: /workers/…"), then on to the root handler.
        "django.request": {"filters": ["redact_requests"]},
    },
}

# The attendance roster of a 2,000-person sitting posts one field per row when JavaScript
# is unavailable; Django's default of 1,000 fields would refuse it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Daily jobs (sessions/tasks.py): lock finished months, then remind whoever has work waiting.
CELERY_BEAT_SCHEDULE = {
    "sessions-lock-closed-months": {
        "task": "sessions.tasks.lock_closed_months",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 12},
    },
    "sessions-send-cadence-reminders": {
        "task": "sessions.tasks.send_cadence_reminders",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 12},
    },
}

# Daily certification reminders (certification/tasks.py): registrations due within their
# level's notice days (Level.renewal_notice_days), and the eligible workers before an exam's
# registration window opens.
CELERY_BEAT_SCHEDULE |= {
    "certification-registration-reminders": {
        "task": "certification.tasks.send_registration_reminders",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 12},
    },
    "certification-exam-reminders": {
        "task": "certification.tasks.send_exam_reminders",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 12},
    },
}

# Dashboards (reports.selectors.cached_dashboard_figures) are kept this long, shown with the
# time they were computed and a "recompute now" link; 0 turns the cache off.
DUDAO_DASHBOARD_CACHE_SECONDS = env.int("DUDAO_DASHBOARD_CACHE_SECONDS", default=300)

# Runs whose worker died (core/sweeper.py): a report "running" or an import "applying" with
# no heartbeat for this long is queued again while it has been started fewer than
# DUDAO_RUN_MAX_ATTEMPTS times, else marked failed. A whole district report builds in about
# 5 s (docs/benchmarks.md), so ten minutes without progress is a dead worker, not a slow one.
DUDAO_RUN_STALE_MINUTES = env.int("DUDAO_RUN_STALE_MINUTES", default=10)
DUDAO_RUN_MAX_ATTEMPTS = env.int("DUDAO_RUN_MAX_ATTEMPTS", default=2)
CELERY_BEAT_SCHEDULE |= {
    "sweep-stuck-runs": {
        "task": "core.tasks.sweep_stuck_runs",
        "schedule": 60 * 5,
        "options": {"expires": 60 * 4},
    },
}
AXES_VERBOSE = False  # no banner on every manage.py command

# Stored files with personal data (uploads, report files) are removed after the periods the
# district sets in the admin (audit.RetentionPolicy); the runs are kept.
CELERY_BEAT_SCHEDULE |= {
    "imports-remove-expired-files": {
        "task": "imports.tasks.remove_expired_import_files",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 12},
    },
    "reports-remove-expired-files": {
        "task": "reports.tasks.remove_expired_report_files",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 12},
    },
}

# A worker's own columns follow their history's period covering today (trainees.history):
# changes dated ahead take effect within hours of their day beginning (idempotent).
CELERY_BEAT_SCHEDULE |= {
    "trainees-apply-dated-changes": {
        "task": "trainees.tasks.apply_dated_changes",
        "schedule": 60 * 60 * 3,
        "options": {"expires": 60 * 60 * 2},
    },
}
