"""Settings of the worker process that tests/integration starts: the test settings, but tasks
really go through the broker, and files go to a directory the test process reads too."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import STORAGES

CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["DUDAO_TEST_MEDIA_ROOT"]},
    },
}
