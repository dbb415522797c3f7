# In its own module: accounts.apps must keep a single AppConfig for "accounts" to find.
from django.contrib.admin.apps import AdminConfig


class DudaoAdminConfig(AdminConfig):
    """django.contrib.admin with Dudao's site (accounts.admin_site): district administrators only."""

    default_site = "accounts.admin_site.DudaoAdminSite"
