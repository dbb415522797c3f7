from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报表")

    def ready(self) -> None:
        # The sweeper of runs whose worker died (core/sweeper.py) learns of this app's runs.
        from core.sweeper import sweep_register

        from .sweeper import report_runs_sweep

        sweep_register("reports", report_runs_sweep)

        # The dashboard's snapshots are dropped by every write to the data they count.
        from .snapshots import connect_receivers

        connect_receivers()
