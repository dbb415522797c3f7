"""Who is enrolled in an event (by rule or by hand) and in which sitting they are placed."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from neighbourhoods.models import Subdistrict
from trainees.models import Trainee, TraineeStatus
from trainees.populations import on_duty_q

from ..models import Attendance, Enrolment, Sitting, TrainingEvent
from ..selectors import can_manage_event
from .attendance import id_set


class CertificateHolders(Protocol):
    """The workers who hold a social-work certificate on a date (from the certificate's date,
    not the exam day), as a query of their ids (`trainee_id`), used as a subquery."""

    def __call__(self, on: dt.date) -> QuerySet[Any]: ...


_HOLDERS: dict[str, CertificateHolders] = {}


def certificate_holders_register(source: CertificateHolders) -> None:
    """Certificates are certification's, above this app in the layers: it says who holds one
    from its AppConfig.ready() (as it registers the CE period, selectors/ce_period.py), and
    the "not yet certified" audience is offered only once it has. This module knows no app
    above it, so the layers stay one-way."""
    _HOLDERS["certificate"] = source


def _certificate_holders() -> CertificateHolders | None:
    return _HOLDERS.get("certificate")


class AudienceRule:
    ALL_ACTIVE = "all_active"
    SUBDISTRICT = "subdistrict"
    HOUSING = "housing"
    POSTS = "posts"
    UNCERTIFIED = "uncertified"

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        rules = [
            (cls.ALL_ACTIVE, gettext_lazy("全部在岗社区工作者")),
            (cls.SUBDISTRICT, gettext_lazy("某个街道（镇）")),
            (cls.HOUSING, gettext_lazy("某类住房类型的居委会")),
            (cls.POSTS, gettext_lazy("指定岗位")),
        ]
        if _certificate_holders() is not None:
            rules.append((cls.UNCERTIFIED, gettext_lazy("尚未取得社会工作者证书的人员")))
        return rules


def audience(
    *,
    event: TrainingEvent,
    rule: str,
    subdistrict: Subdistrict | None = None,
    housing_type: str = "",
    posts: Sequence[str] = (),
) -> QuerySet[Trainee]:
    """Workers on duty (在岗) the rule selects; a subdistrict's event only reaches its own
    workers. Both are as of the event's first day (today once it has begun): "not yet
    certified" means holding no certificate then (a worker who passed but whose certificate is
    still pending is among them)."""
    first_day = _first_day(event)
    qs = Trainee.objects.filter(on_duty_q(first_day))
    if event.organiser_id:
        qs = qs.filter(subdistrict_id=event.organiser_id)
    if rule == AudienceRule.SUBDISTRICT:
        if subdistrict is None:
            raise ValidationError({"subdistrict": _("请选择街道（镇）。")})
        qs = qs.filter(subdistrict=subdistrict)
    elif rule == AudienceRule.HOUSING:
        if not housing_type:
            raise ValidationError({"housing_type": _("请选择住房类型。")})
        qs = qs.filter(neighbourhood__housing_type=housing_type)
    elif rule == AudienceRule.POSTS:
        if not posts:
            raise ValidationError({"posts": _("请至少选择一个岗位。")})
        qs = qs.filter(post__in=list(posts))
    elif rule == AudienceRule.UNCERTIFIED:
        holders = _certificate_holders()
        if holders is None:
            raise ValidationError(_("证书数据尚未启用，不能按持证情况选择。"))
        qs = qs.exclude(pk__in=holders(first_day))
    elif rule != AudienceRule.ALL_ACTIVE:
        raise ValidationError(_("未知的报名规则。"))
    return qs


def _first_day(event: TrainingEvent) -> dt.date:
    """The event's first sitting, or today once it has begun or while it has no sittings."""
    first = event.sittings.order_by("date").values_list("date", flat=True).first()
    return max(first, timezone.localdate()) if first else timezone.localdate()


@transaction.atomic
def enrolments_add_by_rule(*, event: TrainingEvent, actor: User, rule: str, **params) -> int:
    """Enrol everyone the rule selects who is not enrolled yet; returns how many were added."""
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("只有主办方管理员可以安排报名。"))
    ids = list(
        audience(event=event, rule=rule, **params)
        .exclude(pk__in=Enrolment.objects.filter(event=event).values("trainee_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Enrolment.objects.bulk_create(
        (Enrolment(event=event, trainee_id=tid) for tid in ids), batch_size=2000
    )
    return len(ids)


@transaction.atomic
def enrolment_add(*, event: TrainingEvent, trainee: Trainee, actor: User) -> Enrolment:
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("只有主办方管理员可以安排报名。"))
    if event.organiser_id and trainee.subdistrict_id != event.organiser_id:
        raise ValidationError(_("街道培训只能安排本街道（镇）的社区工作者。"))
    if trainee.status != TraineeStatus.ACTIVE:
        raise ValidationError(_("%(name)s 不在岗，不能报名。") % {"name": trainee.name})
    if Enrolment.objects.filter(event=event, trainee=trainee).exists():
        raise ValidationError(_("%(name)s 已经报名。") % {"name": trainee.name})
    enrolment = Enrolment(event=event, trainee=trainee)
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_remove(*, enrolment: Enrolment, actor: User) -> None:
    if not can_manage_event(actor, enrolment.event):
        raise PermissionDenied(_("只有主办方管理员可以安排报名。"))
    if Attendance.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(_("已登记出勤，不能取消报名。"))
    enrolment.delete()


@dataclass(frozen=True)
class Placement:
    placed: int
    unplaced: int


@transaction.atomic
def enrolments_place(*, event: TrainingEvent, actor: User) -> Placement:
    """Place every unplaced enrolment in a sitting, within capacity, balanced by subdistrict.

    Workers are taken in (subdistrict, committee, name) order and each goes to the sitting that
    is least full relative to its capacity (ties: the earlier sitting). So every subdistrict and
    every committee is spread across the days in proportion to the rooms, and no committee is
    left unstaffed for a day. Deterministic: the same data gives the same placement.
    """
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("只有主办方管理员可以安排场次。"))
    # Lock the sittings first (PostgreSQL refuses FOR UPDATE together with GROUP BY), then
    # count their enrolments in a second query.
    locked = list(event.sittings.select_for_update().order_by("date", "start_time", "pk"))
    counts = dict(
        Enrolment.objects.filter(sitting__in=locked)
        .values("sitting_id")
        .annotate(n=Count("pk"))
        .values_list("sitting_id", "n")
    )
    sittings = locked
    for s in sittings:
        s.n = counts.get(s.pk, 0)
    pending = list(
        event.enrolments.filter(sitting__isnull=True)
        .order_by(
            "trainee__subdistrict__code", "trainee__neighbourhood__name", "trainee__name", "pk"
        )
        .values_list("pk", flat=True)
    )
    fill = [s.n for s in sittings]
    chosen: dict[int, list[int]] = defaultdict(list)
    placed = 0
    for enrolment_id in pending:
        best = None
        for i, s in enumerate(sittings):
            if fill[i] >= s.capacity:
                continue
            if best is None or fill[i] * sittings[best].capacity < fill[best] * s.capacity:
                best = i
        if best is None:
            break
        fill[best] += 1
        chosen[sittings[best].pk].append(enrolment_id)
        placed += 1
    for sitting_id, ids in chosen.items():
        Enrolment.objects.filter(pk__in=RawSQL(*id_set(ids))).update(sitting_id=sitting_id)
    return Placement(placed=placed, unplaced=len(pending) - placed)


@transaction.atomic
def enrolment_move(*, enrolment: Enrolment, sitting: Sitting, actor: User) -> Enrolment:
    if not can_manage_event(actor, enrolment.event):
        raise PermissionDenied(_("只有主办方管理员可以调整场次。"))
    if sitting.event_id != enrolment.event_id:
        raise ValidationError({"sitting": _("只能调到本次培训的其他场次。")})
    if Attendance.objects.filter(enrolment=enrolment).exists():
        raise ValidationError({"sitting": _("已登记出勤，不能再调整场次。")})
    if enrolment.sitting_id == sitting.pk:
        return enrolment
    sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
    if sitting.enrolments.count() >= sitting.capacity:
        raise ValidationError(
            {"sitting": _("该场次已满（容量 %(n)d 人）。") % {"n": sitting.capacity}}
        )
    enrolment.sitting = sitting
    enrolment.save(update_fields=["sitting"])
    return enrolment
