"""Writes of the supervisor team and its pairings."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_manage_team
from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_diff, audit_event, audit_record, audit_snapshot
from neighbourhoods.models import HousingType
from trainees.models import Trainee, TraineeStatus

from .models import Assignment, Supervisor

# What a pairing's history shows (supervisor and worker by name).
ASSIGNMENT_FIELDS = ("supervisor", "trainee", "mode", "started_on", "reason")
# What a supervisor's history shows, and what the admin and the import may set (the
# pairings have their own services). The links matter: the worker's record and the login
# that writes the logs.
SUPERVISOR_FIELDS = (
    "name",
    "kind",
    "organisation",
    "qualification",
    "home_subdistrict",
    "specialties",
    "capacity",
    "is_active",
    "trainee",
    "user",
)


def _require_team_manager(actor: User) -> None:
    if not can_manage_team(actor):
        raise PermissionDenied(_("只有区管理员可以维护督导师队伍。"))


def _check_supervisor(supervisor: Supervisor) -> None:
    """The rules beyond each field's own: what the auto-assignment and the logs rely on."""
    errors: dict[str, list[str]] = {}
    specialties = supervisor.specialties
    if not isinstance(specialties, list) or any(
        code not in HousingType.values for code in specialties
    ):
        # Auto-assignment matches these codes against the committees' housing types.
        errors["specialties"] = [
            _("擅长住房类型只能填写：%(allowed)s。")
            % {"allowed": "、".join(f"{code}（{label}）" for code, label in HousingType.choices)}
        ]
    if supervisor.user_id is not None and not supervisor.user.is_supervisor:
        # The logs are written by the supervisor's login (sessions.services): another role
        # linked here could not write them, and would see the supervisor's trainees.
        errors["user"] = [_("登录账号的角色须为督导师。")]
    if errors:
        raise ValidationError(errors)


def _audit_supervisor(
    supervisor: Supervisor, *, actor: User, before: dict[str, Any] | None
) -> None:
    after = audit_snapshot(supervisor, SUPERVISOR_FIELDS)
    if before is None:
        after = {k: v for k, v in after.items() if v not in ("", None, [])}
    changes = audit_diff(before or {}, after)
    if changes:
        action = AuditAction.CREATE if before is None else AuditAction.UPDATE
        audit_record(actor=actor, action=action, obj=supervisor, changes=changes)


@transaction.atomic
def supervisor_create(*, actor: User, **fields: Any) -> Supervisor:
    """A new member of the district's supervisor team (the admin site, the supervisors import)."""
    _require_team_manager(actor)
    supervisor = Supervisor(**{k: v for k, v in fields.items() if k in SUPERVISOR_FIELDS})
    _check_supervisor(supervisor)
    supervisor.full_clean()
    supervisor.save()
    _audit_supervisor(supervisor, actor=actor, before=None)
    return supervisor


@transaction.atomic
def supervisor_update(*, supervisor: Supervisor, actor: User, **fields: Any) -> Supervisor:
    """Change a supervisor's record; the fields not given keep their values. A save that
    changes nothing records nothing."""
    _require_team_manager(actor)
    before = audit_snapshot(supervisor, SUPERVISOR_FIELDS)
    for key, value in fields.items():
        if key in SUPERVISOR_FIELDS:
            setattr(supervisor, key, value)
    _check_supervisor(supervisor)
    supervisor.full_clean()
    supervisor.save()
    _audit_supervisor(supervisor, actor=actor, before=before)
    return supervisor


def _require_district_admin(actor: User) -> None:
    if not can_manage_team(actor):
        raise PermissionDenied(_("只有区管理员可以安排督导关系。"))


def _check_capacity(supervisor: Supervisor, adding: int) -> None:
    active = Assignment.objects.filter(supervisor=supervisor, ended_on__isnull=True).count()
    if active + adding > supervisor.capacity:
        raise ValidationError(
            {
                "supervisor": ValidationError(
                    _("%(name)s 已带教 %(active)d 人，容量为 %(capacity)d 人，不能再安排。")
                    % {"name": supervisor.name, "active": active, "capacity": supervisor.capacity},
                    code="over_capacity",
                )
            }
        )


def _lock_supervisor(supervisor_id: int) -> Supervisor:
    # The capacity rule spans rows, so no constraint can hold it: every writer takes the
    # supervisor's row lock first, and concurrent requests queue behind it (PostgreSQL).
    return Supervisor.objects.select_for_update().get(pk=supervisor_id)


@transaction.atomic
def assignment_create(
    *,
    supervisor: Supervisor,
    trainee: Trainee,
    mode: str,
    actor: User,
    started_on: dt.date | None = None,
    reason: str = "",
) -> Assignment:
    """Pair a worker with a supervisor, within the supervisor's capacity."""
    _require_district_admin(actor)
    supervisor = _lock_supervisor(supervisor.pk)
    if not supervisor.is_active:
        raise ValidationError(
            {"supervisor": ValidationError(_("该督导师已停用。"), code="supervisor_inactive")}
        )
    if trainee.status != TraineeStatus.ACTIVE:
        raise ValidationError(
            {
                "trainee": ValidationError(
                    _("只能为在岗社区工作者安排督导师。"), code="trainee_not_active"
                )
            }
        )
    if supervisor.trainee_id == trainee.pk:
        raise ValidationError(
            {"trainee": ValidationError(_("督导师不能督导自己。"), code="supervises_self")}
        )
    current = Assignment.objects.filter(trainee=trainee, ended_on__isnull=True).first()
    if current is not None:
        raise ValidationError(
            {
                "trainee": ValidationError(
                    _("%(trainee)s 已由 %(supervisor)s 督导；请使用“调整督导师”。")
                    % {"trainee": trainee.name, "supervisor": current.supervisor.name},
                    code="already_paired",
                )
            }
        )
    _check_capacity(supervisor, 1)
    assignment = Assignment(
        supervisor=supervisor,
        trainee=trainee,
        mode=mode,
        started_on=started_on or timezone.localdate(),
        reason=reason,
        created_by=actor,
    )
    assignment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        # Another request paired this worker between our check and our insert.
        raise ValidationError(
            {
                "trainee": ValidationError(
                    _("该社区工作者刚刚已被安排督导师，请刷新后重试。"), code="already_paired"
                )
            }
        ) from exc
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assignment,
        changes=audit_diff(
            {},
            {k: v for k, v in audit_snapshot(assignment, ASSIGNMENT_FIELDS).items() if v != ""},
        ),
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, actor: User, ended_on: dt.date | None = None, reason: str
) -> Assignment:
    """End a pairing with a reason; the row stays as history on both sides."""
    _require_district_admin(actor)
    if not reason.strip():
        raise ValidationError(
            {"end_reason": ValidationError(_("请填写结束原因。"), code="reason_required")}
        )
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("supervisor", "trainee")
        .get(pk=assignment.pk)
    )
    if assignment.ended_on is not None:
        raise ValidationError(_("该督导关系已结束。"), code="already_ended")
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise ValidationError(
            {"ended_on": ValidationError(_("结束日期不能早于开始日期。"), code="end_before_start")}
        )
    assignment.ended_on = ended_on
    assignment.end_reason = reason.strip()
    assignment.save(update_fields=["ended_on", "end_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=assignment,
        changes={"ended_on": [None, ended_on.isoformat()], "end_reason": ["", reason.strip()]},
    )
    return assignment


@transaction.atomic
def assignment_reassign(
    *,
    trainee: Trainee,
    supervisor: Supervisor,
    mode: str,
    actor: User,
    reason: str,
    on: dt.date | None = None,
) -> Assignment:
    """End the worker's current pairing (if any) with the reason and start the new one on `on`.

    End dates are last days (DOMAIN.md): the old pairing ends the day before the new one
    starts, so the worker is covered on both days and by one pairing on each. A pairing that
    started on `on` itself ends that day (it cannot end before it started).
    """
    on = on or timezone.localdate()
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("调整督导师需要填写原因。"), code="reason_required")}
        )
    current = Assignment.objects.filter(trainee=trainee, ended_on__isnull=True).first()
    if current is not None:
        if current.supervisor_id == supervisor.pk and current.mode == mode:
            raise ValidationError(
                {
                    "supervisor": ValidationError(
                        _("该社区工作者当前已由此督导师以此方式督导。"), code="same_pairing"
                    )
                }
            )
        last_day = max(on - dt.timedelta(days=1), current.started_on)
        assignment_end(assignment=current, actor=actor, ended_on=last_day, reason=reason)
    return assignment_create(
        supervisor=supervisor, trainee=trainee, mode=mode, actor=actor, started_on=on, reason=reason
    )


@transaction.atomic
def assignments_bulk_create(
    *,
    pairs: list[tuple[int, int, str]],
    actor: User,
    started_on: dt.date | None = None,
    reason: str = "",
) -> list[Assignment]:
    """Apply many pairings (supervisor id, trainee id, mode) at once, all or nothing.

    Locks every supervisor involved (in id order, so that two runs cannot deadlock) and
    re-checks capacity and the one-active-pairing rule against the database, because the
    plan may have been computed before someone else changed the pairings.
    """
    _require_district_admin(actor)
    if not pairs:
        return []
    started_on = started_on or timezone.localdate()
    supervisor_ids = sorted({s for s, _t, _m in pairs})
    supervisors = {
        s.pk: s
        for s in Supervisor.objects.select_for_update().filter(pk__in=supervisor_ids).order_by("pk")
    }

    loads = dict(
        Supervisor.objects.filter(pk__in=supervisor_ids)
        .annotate(n=Count("assignments", filter=Q(assignments__ended_on__isnull=True)))
        .values_list("pk", "n")
    )
    adding: dict[int, int] = {}
    for s, _t, _m in pairs:
        adding[s] = adding.get(s, 0) + 1
    for s, n in adding.items():
        sup = supervisors[s]
        if not sup.is_active or loads.get(s, 0) + n > sup.capacity:
            raise ValidationError(_("%(name)s 的容量已变化，请重新生成方案。") % {"name": sup.name})
    trainee_ids = [t for _s, t, _m in pairs]
    taken = Assignment.objects.filter(trainee_id__in=trainee_ids, ended_on__isnull=True).count()
    if taken:
        raise ValidationError(
            _("有 %(n)d 名社区工作者已被安排督导师，请重新生成方案。") % {"n": taken}
        )
    created = Assignment.objects.bulk_create(
        [
            Assignment(
                supervisor_id=s,
                trainee_id=t,
                mode=m,
                started_on=started_on,
                reason=reason,
                created_by=actor,
            )
            for s, t, m in pairs
        ],
        batch_size=2000,
    )
    # One event per pairing, in one more read (the workers' names) and one bulk insert.
    names = dict(Trainee.objects.filter(pk__in=trainee_ids).values_list("pk", "name"))
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action=AuditAction.CREATE,
                object_type=Assignment._meta.label_lower,
                object_id=str(a.pk),
                object_repr=f"{supervisors[a.supervisor_id].name} → {names.get(a.trainee_id, '')}",
                changes={
                    "supervisor": [None, supervisors[a.supervisor_id].name],
                    "trainee": [None, names.get(a.trainee_id, "")],
                    "mode": [None, a.get_mode_display()],
                    "started_on": [None, started_on.isoformat()],
                    **({"reason": [None, reason]} if reason else {}),
                },
            )
            for a in created
        ],
        batch_size=500,
    )
    return created
