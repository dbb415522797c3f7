"""QR check-in: the venue screen with its changing code, and where a scanned code lands."""

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.qr import qr_svg

from ..selectors import (
    get_sitting_for_user,
)
from ..services import (
    CHECKIN_OPENS_BEFORE,
    checkin_record,
    sitting_bounds,
)
from ..tokens import (
    MAX_AGE_SECONDS,
    REFRESH_SECONDS,
    TokenExpired,
    TokenInvalid,
    token_issue,
    token_read,
)


def _checkin_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("training:checkin", args=[token]))


def sitting_screen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The venue screen: a QR code that changes every REFRESH_SECONDS."""
    sitting = get_sitting_for_user(request.user, pk, mark=True)
    url = _checkin_url(request, token_issue(sitting_id=sitting.pk))
    start, end = sitting_bounds(sitting)
    return render(
        request,
        "training/screen.html",
        {
            "sitting": sitting,
            "event": sitting.event,
            "qr": qr_svg(url),
            "checkin_url": url,
            "refresh": REFRESH_SECONDS,
            "opens": start - CHECKIN_OPENS_BEFORE,
            "closes": end,
        },
    )


@require_GET
def sitting_qr_view(request: HttpRequest, pk: int) -> JsonResponse:
    sitting = get_sitting_for_user(request.user, pk, mark=True)
    url = _checkin_url(request, token_issue(sitting_id=sitting.pk))
    response = JsonResponse({"svg": str(qr_svg(url)), "url": url, "refresh": REFRESH_SECONDS})
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def checkin_view(request: HttpRequest, token: str) -> HttpResponse:
    """Where a scanned code lands. Signed out: remember when the code arrived, then sign in."""
    seen = request.session.get("checkin_seen", {})
    if not request.user.is_authenticated:
        try:
            token_read(token, max_age=MAX_AGE_SECONDS)
        except (TokenExpired, TokenInvalid) as exc:
            error = (
                _("二维码已过期，请扫描会场屏幕上最新的二维码。")
                if isinstance(exc, TokenExpired)
                else _("二维码无效，请扫描会场屏幕上的二维码。")
            )
            return render(request, "training/checkin.html", {"error": error}, status=400)
        request.session["checkin_seen"] = {token: timezone.now().isoformat()}
        return redirect_to_login(request.get_full_path())
    seen_at = dt.datetime.fromisoformat(seen[token]) if token in seen else None
    try:
        result = checkin_record(token=token, user=request.user, seen_at=seen_at)
    except ValidationError as exc:
        return render(
            request,
            "training/checkin.html",
            {"error": exc.messages[0], "code": exc.code},
            status=400,
        )
    request.session.pop("checkin_seen", None)
    attendance = result.attendance
    return render(
        request,
        "training/checkin.html",
        {
            "attendance": attendance,
            "already": result.already,
            "event": attendance.event,
            "sitting": attendance.sitting,
        },
    )
