"""Local development: SQLite and a server-less Celery broker by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

VAR_DIR_PATH = BASE_DIR / "var"  # noqa: F405
VAR_DIR_PATH.mkdir(exist_ok=True)
