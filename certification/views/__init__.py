"""HR pages of certification. Every page reads through `certification.selectors`, which scope
to what the user may see; a subdistrict or worker outside it is a 404.

- `dashboard`: the rate dashboard;
- `lists`: the HR lists and their downloads;
- `entry`: scores, external hours and registration entered from the worker page.
"""

from .dashboard import dashboard
from .entry import attempt_create, external_hours_create, registration_create
from .lists import CertifiedListView, CeShortfallListView, PipelineListView, RegistrationListView

__all__ = [
    "CeShortfallListView",
    "CertifiedListView",
    "PipelineListView",
    "RegistrationListView",
    "attempt_create",
    "dashboard",
    "external_hours_create",
    "registration_create",
]
