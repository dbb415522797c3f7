"""Sign-in rules that hold on every page: idle expiry and the district administrators'
second factor. Both sit after AuthenticationMiddleware (and OTPMiddleware for the second)."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .two_factor import confirmed_device, two_factor_required

LAST_SEEN_KEY = "dudao_last_seen"
SIGNED_IN_KEY = "dudao_signed_in_at"
# Saving the session on every request would cost a write per page; a minute's precision is
# enough for a timeout counted in tens of minutes.
LAST_SEEN_RESOLUTION = 60


class SessionIdleTimeoutMiddleware:
    """Sign out a session idle for DUDAO_SESSION_IDLE_TIMEOUT seconds, or older than
    SESSION_COOKIE_AGE however active (refreshing the session would otherwise slide it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.DUDAO_SESSION_IDLE_TIMEOUT
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(LAST_SEEN_KEY)
            signed_in = session.setdefault(SIGNED_IN_KEY, now)
            if (last_seen is not None and now - last_seen > timeout) or (
                now - signed_in > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(request, _("由于长时间未操作，你已自动退出，请重新登录。"))
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Pages an unverified district administrator may still open: the second step itself, and
# the ways out of it.
TWO_FACTOR_EXEMPT = {"accounts:otp-verify", "accounts:otp-setup", "accounts:logout", "set_language"}


class TwoFactorMiddleware:
    """A district administrator who has signed in with a password but not yet with a code is
    sent to enter one — or, without a device, to set one up — before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not two_factor_required(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT:
            return None
        step = "accounts:otp-verify" if confirmed_device(user) else "accounts:otp-setup"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(step)}?{query}")
