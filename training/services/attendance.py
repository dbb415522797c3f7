"""Writes of training: events, sittings, the audience and its placement, attendance (marked by
hand or by QR check-in), leave, and the "two absences in a row" messages.

Credited hours are fixed on the attendance row when it is marked, from the event's hours and
the credit policy then in force (CreditPolicy: share per status), so a later policy change does
not rewrite hours that certification has already counted.
"""

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notification, Role, User
from accounts.notifications import Message, notifications_send
from audit.models import AuditAction
from audit.services import audit_record
from neighbourhoods.models import Subdistrict
from trainees.models import Trainee, TraineeStatus

from .checkin import MAX_AGE_SECONDS, TokenExpired, TokenInvalid, token_age, token_read
from .models import (
    Attendance,
    AttendanceStatus,
    CheckinUse,
    CreditPolicy,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
    TrainingKind,
)
from .training_selectors import (
    ATTENDED,
    _certificate_model,
    can_manage_event,
    enrolment_scope,
)

# Self check-in opens an hour before the start (people arrive early to queue) and closes at the
# end; a worker who scans after the start is late.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=60)
# Ids per INSERT … SELECT / UPDATE statement: SQLite allows 32,766 parameters, PostgreSQL 65,535.
# A sitting never has this many people, so marking one is a fixed number of statements.
IDS_PER_STATEMENT = 10_000


def credit_policy() -> CreditPolicy:
    """The district's single policy row (a data migration creates it; defaults otherwise)."""
    return CreditPolicy.current()


def credited(hours: Decimal, share: Decimal) -> Decimal:
    return (hours * share).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def sitting_bounds(sitting: Sitting) -> tuple[dt.datetime, dt.datetime]:
    return _aware(sitting.date, sitting.start_time), _aware(sitting.date, sitting.end_time)


# --- events and sittings ----------------------------------------------------------------------

EVENT_FIELDS = ("title", "kind", "organiser", "description", "credited_hours", "counts_as_ce")


def _check_organiser(actor: User, organiser: Subdistrict | None, kind: str) -> None:
    if actor.is_district_admin:
        pass
    elif not (actor.is_subdistrict_admin and organiser and organiser.pk == actor.subdistrict_id):
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


# --- audience ---------------------------------------------------------------------------------


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
        if _certificate_model() is not None:
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
    """Active workers the rule selects; a subdistrict's event only reaches its own workers."""
    qs = Trainee.objects.filter(status=TraineeStatus.ACTIVE)
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
        model = _certificate_model()
        if model is None:
            raise ValidationError(_("证书数据尚未启用，不能按持证情况选择。"))
        qs = qs.exclude(pk__in=model.objects.values("trainee_id"))
    elif rule != AudienceRule.ALL_ACTIVE:
        raise ValidationError(_("未知的报名规则。"))
    return qs


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
        for chunk in _chunks(ids):
            Enrolment.objects.filter(pk__in=chunk).update(sitting_id=sitting_id)
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


# --- attendance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marked:
    created: int
    updated: int
    ignored: int


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield ids[start : start + IDS_PER_STATEMENT]


def _insert_attendance(
    enrolment_ids: Sequence[int], *, status: str, hours: Decimal, actor: User, now: dt.datetime
) -> None:
    """INSERT … SELECT from the enrolments: one statement for any number of rows.

    bulk_create would do the same on PostgreSQL (UNNEST) but splits into batches of 90 rows on
    SQLite, so a sitting of 2,000 would cost 23 statements there; this is a fixed count on both.
    """
    ops = connection.ops
    a, e = Attendance._meta, Enrolment._meta

    def col(meta, name: str) -> str:
        return ops.quote_name(meta.get_field(name).column)

    targets = ", ".join(
        col(a, f)
        for f in (
            "enrolment",
            "event",
            "sitting",
            "trainee",
            "status",
            "credited_hours",
            "via_qr",
            "marked_by",
            "updated_at",
        )
    )
    source = ", ".join(
        [
            col(e, "id"),
            col(e, "event"),
            col(e, "sitting"),
            col(e, "trainee"),
            "%s",
            "%s",
            "%s",
            "%s",
            "%s",
        ]
    )
    values = [
        status,
        ops.adapt_decimalfield_value(hours, 5, 1),
        False,
        actor.pk,
        ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(enrolment_ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {ops.quote_name(a.db_table)} ({targets}) "
                f"SELECT {source} FROM {ops.quote_name(e.db_table)} "
                f"WHERE {col(e, 'id')} IN ({marks})",
                [*values, *chunk],
            )


@transaction.atomic
def attendance_mark(
    *, sitting: Sitting, actor: User, marks: Mapping[int, str], fill: str = ""
) -> Marked:
    """Record the statuses of a sitting's roster in one go: `marks` is enrolment id → status;
    `fill` (e.g. "present") is given to every row that is neither marked nor in `marks`.

    Only enrolments of this sitting that the actor may see are written (another subdistrict's
    rows are ignored, whatever the request says). Unchanged rows are left alone, so a QR
    check-in time survives a later "mark all present". A constant number of statements: one
    read, the policy, at most five UPDATEs and five INSERT … SELECTs (one per status), and one
    audit event on the sitting listing the statuses that changed (corrections, not first marks).
    """
    if not (actor.is_district_admin or actor.is_subdistrict_admin):
        raise PermissionDenied(_("只有区或街道（镇）管理员可以登记出勤。"))
    if fill and fill not in AttendanceStatus.values:
        raise ValidationError(_("出勤状态无效。"))
    if any(status not in AttendanceStatus.values for status in marks.values()):
        raise ValidationError(_("出勤状态无效。"))
    rows = (
        enrolment_scope(actor)
        .filter(sitting=sitting)
        .values_list("pk", "attendance__pk", "attendance__status", "trainee_id", "trainee__name")
    )
    policy = credit_policy()
    hours = sitting.event.credited_hours
    to_create: dict[str, list[int]] = defaultdict(list)
    to_update: dict[str, list[int]] = defaultdict(list)
    corrected: dict[str, list[str]] = {}
    seen = 0
    for enrolment_id, attendance_id, current, trainee_id, name in rows:
        status = marks.get(enrolment_id)
        if status:
            seen += 1
        elif attendance_id is None and fill:
            status = fill
        else:
            continue
        if attendance_id is None:
            to_create[status].append(enrolment_id)
        elif status != current:
            to_update[status].append(attendance_id)
            corrected[f"{name}（{trainee_id}）"] = [
                str(AttendanceStatus(current).label),
                str(AttendanceStatus(status).label),
            ]
    now = timezone.now()
    for status, ids in to_update.items():
        for chunk in _chunks(ids):
            Attendance.objects.filter(pk__in=chunk).update(
                status=status,
                credited_hours=credited(hours, policy.share(status)),
                marked_by=actor,
                updated_at=now,
            )
    for status, ids in to_create.items():
        _insert_attendance(
            ids, status=status, hours=credited(hours, policy.share(status)), actor=actor, now=now
        )
    if corrected:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=sitting, changes=corrected)
    if AttendanceStatus.ABSENT in to_create or AttendanceStatus.ABSENT in to_update:
        from .training_tasks import notify_repeat_absences

        notify_repeat_absences.delay_on_commit(sitting.pk)
    return Marked(
        created=sum(map(len, to_create.values())),
        updated=sum(map(len, to_update.values())),
        ignored=len(marks) - seen,
    )


def _write_attendance(
    enrolment: Enrolment, *, status: str, actor: User, now: dt.datetime, via_qr: bool = False
) -> Attendance:
    hours = credited(enrolment.event.credited_hours, credit_policy().share(status))
    attendance = Attendance.objects.filter(enrolment=enrolment).first()
    old = attendance.status if attendance is not None else None
    if attendance is None:
        attendance = Attendance(
            enrolment=enrolment,
            event_id=enrolment.event_id,
            sitting_id=enrolment.sitting_id,
            trainee_id=enrolment.trainee_id,
        )
    attendance.status = status
    attendance.credited_hours = hours
    attendance.marked_by = actor
    if via_qr:
        attendance.via_qr = True
        attendance.checked_in_at = now
    attendance.save()
    if old is not None and old != status:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=Attendance._meta.label_lower,
            object_id=str(attendance.pk),
            object_repr=f"{enrolment.trainee_id} · {enrolment.event_id}",
            changes={
                "status": [str(AttendanceStatus(old).label), str(AttendanceStatus(status).label)]
            },
        )
    return attendance


# --- QR check-in ------------------------------------------------------------------------------


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


# --- leave ------------------------------------------------------------------------------------


def _may_decide(actor: User, enrolment: Enrolment) -> bool:
    return enrolment_scope(actor).filter(pk=enrolment.pk).exists() and (
        actor.is_district_admin or actor.is_subdistrict_admin
    )


@transaction.atomic
def leave_request_create(*, enrolment: Enrolment, reason: str, actor: User) -> LeaveRequest:
    """A worker asks for leave before the sitting; an administrator's entry is approved at once."""
    own = enrolment.trainee.user_id == actor.pk
    if not own and not _may_decide(actor, enrolment):
        raise PermissionDenied(_("只能为自己或本街道（镇）的社区工作者请假。"))
    if enrolment.sitting_id is None:
        raise ValidationError(_("尚未安排场次，暂不能请假。"))
    if enrolment.sitting.date < timezone.localdate():
        raise ValidationError(_("培训已经结束，不能再请假。"))
    if (
        Attendance.objects.filter(enrolment=enrolment)
        .exclude(status=AttendanceStatus.EXCUSED)
        .exists()
    ):
        raise ValidationError(_("已登记出勤，不能再请假。"))
    if enrolment.leave_requests.exclude(state=LeaveRequest.State.REJECTED).exists():
        raise ValidationError(_("已经提交过请假申请。"))
    leave = LeaveRequest(enrolment=enrolment, reason=reason.strip(), requested_by=actor)
    leave.full_clean()
    leave.save()
    if not own:
        leave_request_decide(leave=leave, approve=True, actor=actor)
    return leave


@transaction.atomic
def leave_request_decide(*, leave: LeaveRequest, approve: bool, actor: User) -> LeaveRequest:
    """Approve (the worker is excused: attendance 'excused') or reject a pending request."""
    enrolment = leave.enrolment
    if not _may_decide(actor, enrolment):
        raise PermissionDenied(_("只有本街道（镇）或区管理员可以审批请假。"))
    if leave.state != LeaveRequest.State.PENDING:
        raise ValidationError(_("该请假申请已经处理过了。"))
    leave.state = LeaveRequest.State.APPROVED if approve else LeaveRequest.State.REJECTED
    leave.decided_by = actor
    leave.decided_at = timezone.now()
    leave.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        _write_attendance(
            enrolment, status=AttendanceStatus.EXCUSED, actor=actor, now=leave.decided_at
        )
    worker = enrolment.trainee.user
    if worker is not None:
        title = _("请假已批准：%(event)s") if approve else _("请假未批准：%(event)s")
        notifications_send(
            messages=[
                Message(
                    user=worker,
                    kind=Notification.Kind.INFO,
                    title=title % {"event": enrolment.event.title},
                    url=reverse("training:mine"),
                    key=f"training-leave:{leave.pk}",
                )
            ],
            email=False,
        )
    return leave


# --- two absences in a row --------------------------------------------------------------------


def repeat_absence_messages(*, sitting_id: int) -> list[Message]:
    """Messages to subdistrict administrators about workers absent from this sitting who were
    also absent from the event they were enrolled in just before (two in a row).

    One query finds them (the previous enrolment's status is a correlated subquery), one finds
    the administrators. Keys make delivery idempotent: one message per absence, ever.
    """
    previous = (
        Enrolment.objects.filter(trainee_id=OuterRef("trainee_id"), sitting__isnull=False)
        .exclude(event_id=OuterRef("event_id"))
        .filter(
            Q(sitting__date__lt=OuterRef("sitting__date"))
            | Q(
                sitting__date=OuterRef("sitting__date"),
                sitting__start_time__lt=OuterRef("sitting__start_time"),
            )
        )
        .order_by("-sitting__date", "-sitting__start_time", "-pk")
    )
    twice = list(
        Attendance.objects.filter(sitting_id=sitting_id, status=AttendanceStatus.ABSENT)
        .annotate(
            previous_status=Subquery(previous.values("attendance__status")[:1]),
            previous_event=Subquery(previous.values("event__title")[:1]),
        )
        .filter(previous_status=AttendanceStatus.ABSENT)
        .select_related("trainee__neighbourhood", "event", "sitting")
        .order_by("trainee__name", "pk")
    )
    if not twice:
        return []
    admins = defaultdict(list)
    for admin in User.objects.filter(
        role=Role.SUBDISTRICT_ADMIN,
        is_active=True,
        subdistrict_id__in={a.trainee.subdistrict_id for a in twice},
    ):
        admins[admin.subdistrict_id].append(admin)
    messages = []
    for attendance, admin in itertools.chain.from_iterable(
        ((a, u) for u in admins[a.trainee.subdistrict_id]) for a in twice
    ):
        t = attendance.trainee
        messages.append(
            Message(
                user=admin,
                kind=Notification.Kind.INFO,
                title=_("%(name)s 连续两次培训缺席") % {"name": t.name},
                body=_(
                    "%(name)s（%(place)s）缺席了“%(event)s”（%(date)s），"
                    "此前的“%(previous)s”也缺席。请了解情况并督促参加后续培训。"
                )
                % {
                    "name": t.name,
                    "place": t.workplace,
                    "event": attendance.event.title,
                    "date": f"{attendance.sitting.date:%Y年%-m月%-d日}",
                    "previous": attendance.previous_event,
                },
                url=reverse("training:event-figures", args=[attendance.event_id]),
                key=f"training-absent-twice:{attendance.pk}",
            )
        )
    return messages
