from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = _("导入导出")

    def ready(self) -> None:
        # The sweeper of runs whose worker died (core/sweeper.py) learns of this app's runs.
        from core.sweeper import sweep_register

        from .sweeper import import_runs_sweep

        sweep_register("imports", import_runs_sweep)
