from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraineesConfig(AppConfig):
    name = "trainees"
    verbose_name = _("社区工作者")

    def ready(self) -> None:
        # Large roster exports run in the background (export_runs.py): the sweeper
        # (core/sweeper.py) retries or fails a dead one and removes their files after a day.
        from core.sweeper import expiry_register, sweep_register

        from .export_runs import roster_exports_expire, roster_exports_sweep

        sweep_register("roster_exports", roster_exports_sweep)
        expiry_register("roster_exports", roster_exports_expire)
