"""Self check-in at a sitting from a scanned QR code (training/tokens.py)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from trainees.models import Trainee

from ..models import Attendance, AttendanceStatus, CheckinUse, Enrolment, Sitting
from ..selectors import ATTENDED
from ..tokens import MAX_AGE_SECONDS, TokenExpired, TokenInvalid, token_age, token_read
from .attendance import _write_attendance
from .events import sitting_bounds

# Self check-in opens an hour before the start (people arrive early to queue) and closes at the
# end; a worker who scans after the start is late.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=60)


@dataclass(frozen=True)
class CheckedIn:
    attendance: Attendance
    already: bool


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


@transaction.atomic
def checkin_record(
    *, token: str, user: User, now: dt.datetime | None = None, seen_at: dt.datetime | None = None
) -> CheckedIn:
    """Check a worker in from a scanned code: present until the start, late after it.

    `seen_at` is when the code first reached the server (before the worker had to sign in); the
    code's age is judged then, so signing in on a phone does not make a fresh code expire.
    Refused (ValidationError with a code): invalid, expired, not_worker, not_enrolled,
    wrong_sitting, closed, replayed.
    """
    now = now or timezone.now()
    try:
        content = token_read(token, max_age=None)
    except (TokenInvalid, TokenExpired):
        _refuse(_("二维码无效，请扫描会场屏幕上的二维码。"), "invalid")
    if token_age(content, at=min(seen_at or now, now)) > MAX_AGE_SECONDS:
        _refuse(_("二维码已过期，请扫描会场屏幕上最新的二维码。"), "expired")
    trainee = Trainee.objects.filter(user=user).first() if user.is_worker else None
    if trainee is None:
        _refuse(_("只有社区工作者账号可以扫码签到。"), "not_worker")
    sitting = Sitting.objects.select_related("event").filter(pk=content.sitting_id).first()
    if sitting is None:
        _refuse(_("二维码无效，请扫描会场屏幕上的二维码。"), "invalid")
    enrolment = (
        Enrolment.objects.select_related("event", "sitting")
        .filter(event_id=sitting.event_id, trainee=trainee)
        .first()
    )
    if enrolment is None:
        _refuse(
            _("你没有报名“%(event)s”，无法签到。") % {"event": sitting.event.title}, "not_enrolled"
        )
    if enrolment.sitting_id != sitting.pk:
        where = (
            _("你被安排在 %(date)s %(time)s（%(venue)s）的场次，请在该场次签到。")
            % {
                "date": f"{enrolment.sitting.date:%Y年%-m月%-d日}",
                "time": f"{enrolment.sitting.start_time:%H:%M}",
                "venue": enrolment.sitting.venue,
            }
            if enrolment.sitting_id
            else _("你尚未被安排场次，请联系街道（镇）管理员。")
        )
        _refuse(_("这不是你的场次。") + where, "wrong_sitting")
    start, end = sitting_bounds(sitting)
    if not (start - CHECKIN_OPENS_BEFORE <= now <= end):
        _refuse(
            _("现在不在签到时间内：本场次 %(open)s 开放签到，%(close)s 结束。")
            % {
                "open": f"{timezone.localtime(start - CHECKIN_OPENS_BEFORE):%-m月%-d日 %H:%M}",
                "close": f"{timezone.localtime(end):%H:%M}",
            },
            "closed",
        )
    try:
        with transaction.atomic():
            CheckinUse.objects.create(nonce=content.nonce, trainee=trainee)
    except IntegrityError:
        _refuse(_("这个二维码你已经用过了，请扫描屏幕上的新二维码。"), "replayed")
    existing = Attendance.objects.filter(enrolment=enrolment).first()
    if existing is not None and existing.status in ATTENDED:
        return CheckedIn(existing, already=True)
    status = AttendanceStatus.PRESENT if now <= start else AttendanceStatus.LATE
    attendance = _write_attendance(enrolment, status=status, actor=user, now=now, via_qr=True)
    return CheckedIn(attendance, already=False)
