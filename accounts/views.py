import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.qr import qr_svg
from core.redirects import next_url

from .forms import OTPTokenForm
from .middleware import LAST_SEEN_KEY, SIGNED_IN_KEY
from .models import Notification
from .notifications import notifications_mark_read
from .two_factor import (
    confirmed_device,
    secret_base32,
    totp_device_start,
    totp_verify,
    two_factor_required,
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # Django's own check lets a relative "abc" through; Dudao's helper keeps `next` to
        # paths of this site, like every other `next`.
        return next_url(self.request, "")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Signing in again starts the session's clocks afresh (see SessionIdleTimeoutMiddleware).
        now = int(time.time())
        self.request.session[SIGNED_IN_KEY] = now
        self.request.session[LAST_SEEN_KEY] = now
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    title = _("密码已修改")


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once a username has failed too often from one address."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/lockout.html", context, status=429)


def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first; POST marks them all read."""
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("accounts:notifications")
    items = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")[:100]
    return render(request, "accounts/notifications.html", {"items": items})


def _next_url(request: HttpRequest) -> str:
    return next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL))


def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """Second step of a district administrator's sign-in: the code from their app."""
    user = request.user
    if not two_factor_required(user) or user.is_verified():
        return redirect(_next_url(request))
    device = confirmed_device(user)
    if device is None:
        return redirect(f"{reverse('accounts:otp-setup')}?{request.GET.urlencode()}")
    form = OTPTokenForm(request.POST or None)
    if form.is_valid():
        if totp_verify(request=request, device=device, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或已过期，请输入验证器中当前显示的 6 位数字。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """First sign-in of a district administrator without a device: scan, then prove it works.

    Only while no device is confirmed — otherwise someone holding just the password could
    enrol a second device of their own.
    """
    user = request.user
    if not two_factor_required(user) or user.is_verified():
        return redirect(_next_url(request))
    if confirmed_device(user) is not None:
        return redirect(f"{reverse('accounts:otp-verify')}?{request.GET.urlencode()}")
    device = totp_device_start(user=user)
    form = OTPTokenForm(request.POST or None)
    if form.is_valid():
        if totp_verify(request=request, device=device, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error(
            "token", _("验证码不正确，请确认已扫描下方二维码，并输入当前显示的 6 位数字。")
        )
    context = {
        "form": form,
        "next": _next_url(request),
        "qr": qr_svg(device.config_url, decorative=True),
        "secret": secret_base32(device),
    }
    return render(request, "accounts/otp_setup.html", context)
