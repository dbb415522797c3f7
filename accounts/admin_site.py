"""The admin site, for district administrators only.

Django's default lets in any `is_staff` login; here the role decides, so a subdistrict
administrator flagged as staff by mistake still cannot open it. There is one sign-in for the
whole site — the main login page, throttled and with the second factor — not the admin's own.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.admin import guarded
from core.redirects import next_url

from .capabilities import can_use_admin_site


class DudaoAdminSite(admin.AdminSite):
    site_header = _("督导 Dudao 系统管理")
    site_title = _("督导 Dudao 系统管理")
    index_title = _("系统管理")

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Every admin gets the input guards of core/admin.py, those of Django's own apps
        and third-party packages (groups, 2FA devices, lockouts) included: a junk filter or
        field value on any admin screen is refused in place, never a 500."""
        super().register(model_or_iterable, guarded(admin_class or admin.ModelAdmin), **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_admin_site(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(next_url(request, reverse("admin:index")))
        if self.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied(_("系统管理仅限区管理员使用。"))
