from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("持证与考试")

    def ready(self) -> None:
        # The worker's training page (below this app) shows the CE hours of the registration
        # period in force: it learns here where periods come from (Registration rows).
        from training.selectors import ce_period_source_register
        from training.services import certificate_holders_register

        from .models import Certificate
        from .selectors import worker_ce_period
        from .snapshots import connect_receivers

        ce_period_source_register(worker_ce_period)
        # Training's "not yet certified" audience asks here who holds a certificate.
        certificate_holders_register(
            lambda on: Certificate.objects.filter(date_issued__lte=on).values("trainee_id")
        )
        # The monthly rate snapshots drop the days a write changes.
        connect_receivers()
