"""Events and their sittings: who may organise, edit and re-credit them."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import manages_subdistrict
from accounts.models import User
from neighbourhoods.models import Subdistrict

from ..models import Attendance, AttendanceStatus, Sitting, TrainingEvent, TrainingKind
from ..selectors import can_manage_event
from .attendance import credit_policy, credited


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def sitting_bounds(sitting: Sitting) -> tuple[dt.datetime, dt.datetime]:
    return _aware(sitting.date, sitting.start_time), _aware(sitting.date, sitting.end_time)


EVENT_FIELDS = ("title", "kind", "organiser", "description", "credited_hours", "counts_as_ce")


def _check_organiser(actor: User, organiser: Subdistrict | None, kind: str) -> None:
    if not manages_subdistrict(actor, organiser.pk if organiser else None):
        raise PermissionDenied(_("街道（镇）管理员只能组织本街道（镇）的培训。"))
    if kind == TrainingKind.ALL_STAFF and organiser is not None:
        raise ValidationError({"organiser": _("全员培训由区里统一组织，主办方请留空。")})


@transaction.atomic
def event_create(*, actor: User, **fields) -> TrainingEvent:
    _check_organiser(actor, fields.get("organiser"), fields["kind"])
    event = TrainingEvent(created_by=actor, **{k: fields.get(k) for k in EVENT_FIELDS})
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_update(*, event: TrainingEvent, actor: User, **fields) -> TrainingEvent:
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("只有主办方管理员可以修改这次培训。"))
    _check_organiser(actor, fields.get("organiser"), fields["kind"])
    if (
        fields.get("organiser")
        and event.enrolments.exclude(trainee__subdistrict=fields["organiser"]).exists()
    ):
        raise ValidationError(
            {"organiser": _("已有其他街道（镇）的社区工作者报名，不能改为街道培训。")}
        )
    hours_changed = fields["credited_hours"] != event.credited_hours
    for name in EVENT_FIELDS:
        setattr(event, name, fields.get(name))
    event.full_clean()
    event.save()
    if hours_changed:
        _recredit(event)
    return event


def _recredit(event: TrainingEvent) -> None:
    """Hours of the event changed: re-credit its attendance by status (≤ 5 statements)."""
    policy = credit_policy()
    for status in AttendanceStatus.values:
        Attendance.objects.filter(event=event, status=status).update(
            credited_hours=credited(event.credited_hours, policy.share(status))
        )


def _check_sitting(sitting: Sitting) -> None:
    if sitting.start_time and sitting.end_time and sitting.end_time <= sitting.start_time:
        raise ValidationError({"end_time": _("结束时间必须晚于开始时间。")})


@transaction.atomic
def sitting_create(*, event: TrainingEvent, actor: User, **fields) -> Sitting:
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("只有主办方管理员可以修改这次培训。"))
    sitting = Sitting(event=event, **fields)
    _check_sitting(sitting)
    sitting.full_clean()
    sitting.save()
    return sitting


@transaction.atomic
def sitting_update(*, sitting: Sitting, actor: User, **fields) -> Sitting:
    if not can_manage_event(actor, sitting.event):
        raise PermissionDenied(_("只有主办方管理员可以修改这次培训。"))
    for name, value in fields.items():
        setattr(sitting, name, value)
    _check_sitting(sitting)
    placed = sitting.enrolments.count()
    if sitting.capacity < placed:
        raise ValidationError(
            {"capacity": _("已安排 %(n)d 人，容量不能小于该人数。") % {"n": placed}}
        )
    sitting.full_clean()
    sitting.save()
    # Attendance of the sitting is dated by the sitting: nothing else to move.
    return sitting
