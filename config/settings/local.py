"""Local development: SQLite and a server-less Celery broker by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo logins sign in with a password alone; production requires the district
# administrators' second factor (DUDAO_REQUIRE_2FA=true to try it here).
DUDAO_REQUIRE_2FA = env.bool("DUDAO_REQUIRE_2FA", default=False)

VAR_DIR_PATH = BASE_DIR / "var"  # noqa: F405
VAR_DIR_PATH.mkdir(exist_ok=True)
