from django.contrib.auth.backends import BaseBackend

from .capabilities import can_use_admin_site
from .models import User


class DistrictAdminPermissionBackend(BaseBackend):
    """District administrators run the admin site: every model permission there. Signs no
    one in; which pages a role may open elsewhere is decided by the views' access helpers."""

    def has_perm(self, user_obj: User, perm: str, obj=None) -> bool:
        return can_use_admin_site(user_obj)

    def has_module_perms(self, user_obj: User, app_label: str) -> bool:
        return self.has_perm(user_obj, app_label)
