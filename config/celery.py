import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("dudao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The sweeper of runs whose worker died spans reports and imports, so it lives here.
app.autodiscover_tasks(["config"], related_name="sweeper")
