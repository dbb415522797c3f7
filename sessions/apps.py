from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionSessionsConfig(AppConfig):
    # "sessions" is taken by django.contrib.sessions.
    name = "sessions"
    label = "supervision_sessions"
    verbose_name = _("督导记录")
