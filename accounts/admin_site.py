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


class DudaoAdminSite(admin.AdminSite):
    site_header = _("督导 Dudao 系统管理")
    site_title = _("督导 Dudao 系统管理")
    index_title = _("系统管理")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_authenticated and user.is_district_admin

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
        if self.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied(_("系统管理仅限区管理员使用。"))
