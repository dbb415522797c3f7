"""Writes of community workers. Views, admin, imports and commands all come through here."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import (
    can_manage_workers,
    can_use_admin_site,
    manages_subdistrict,
    sees_whole_district,
)
from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_diff, audit_record, audit_snapshot

from .history import (
    apply_plans,
    history_change,
    initial_period,
    plan_columns,
    sync_current,
)
from .identity import id_number_birth_date, id_number_gender, id_number_validate, mobile_validate
from .models import ChangeKind, LeaveKind, Trainee, TraineeStatus, WorkerPeriod
from .pii import id_number_hash
from .signals import periods_changed

EDITABLE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "mobile",
    "political_status",
    "subdistrict",
    "neighbourhood",
    "post",
    "grade",
    "education",
    "major",
    "major_is_social_work",
    "started_community_work",
    "joined",
)


# What the worker's change history shows (the ID number masked by audit_snapshot).
AUDITED_FIELDS = (*EDITABLE_FIELDS, "status", "left_on")


def _id_number_taken(number: str, pk: int | None) -> bool:
    return Trainee.objects.filter(id_number_hash=id_number_hash(number)).exclude(pk=pk).exists()


def _id_number_conflict_message(trainee: Trainee, actor: User) -> str:
    """No name is shown, and a subdistrict office is not told that a number is registered in
    another subdistrict (that would let anyone with the form test any number, PIPL): it hears
    only that the number conflicts with a record outside its scope, as the import says."""
    if not sees_whole_district(actor):
        holder = (
            Trainee.objects.filter(id_number_hash=id_number_hash(trainee.id_number))
            .exclude(pk=trainee.pk)
            .values_list("subdistrict_id", flat=True)
            .first()
        )
        if holder is None or holder != actor.subdistrict_id:
            return _("该身份证号无法使用：与您管辖范围以外的记录冲突，请联系区管理员。")
    return _("该身份证号已登记在系统中；如为调入人员，请联系区管理员办理调动。")


def trainee_rule_errors(
    trainee: Trainee,
    *,
    actor: User,
    id_number_taken: Callable[[str, int | None], bool] = _id_number_taken,
) -> dict[str, list[str]]:
    """The rules that span fields: ID agrees with gender and birth date, committee in subdistrict.

    Normalises the ID number and mobile in place and fills gender and birth date from the ID
    number when empty. Returns the errors by field. The spreadsheet import calls this for each
    row with `id_number_taken` answered from a prefetched set, so the bulk path applies the same
    rules without a query per row (set `trainee.neighbourhood` to a loaded instance as well).
    """
    errors: dict[str, list[str]] = {}
    try:
        trainee.id_number = id_number_validate(trainee.id_number)
    except ValidationError as exc:
        errors.setdefault("id_number", []).extend(exc.messages)
    else:
        if id_number_taken(trainee.id_number, trainee.pk):
            errors.setdefault("id_number", []).append(_id_number_conflict_message(trainee, actor))
        id_birth = id_number_birth_date(trainee.id_number)
        id_gender = id_number_gender(trainee.id_number)
        if trainee.birth_date is None:
            trainee.birth_date = id_birth
        elif trainee.birth_date != id_birth and actor.sees_full_identity:
            errors.setdefault("birth_date", []).append(
                _("出生日期与身份证号不一致（身份证号显示为 %(date)s）。")
                % {"date": f"{id_birth:%Y年%-m月%-d日}"}
            )
        elif trainee.birth_date != id_birth:
            # Not the date itself: an import's error report is read by every administrator
            # of the run, beside the number's masked tail (trainees/identity.py).
            errors.setdefault("birth_date", []).append(
                _("出生日期与身份证号不一致（身份证号第7–14位为出生日期），请核对。")
            )
        if not trainee.gender:
            trainee.gender = id_gender
        elif trainee.gender != id_gender:
            errors.setdefault("gender", []).append(
                _("性别与身份证号不一致（第17位为%(parity)s数，应为%(gender)s）。")
                % {
                    "parity": _("奇") if id_gender == "M" else _("偶"),
                    "gender": _("男") if id_gender == "M" else _("女"),
                }
            )
    if trainee.mobile:
        try:
            trainee.mobile = mobile_validate(trainee.mobile)
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.messages)
    if trainee.neighbourhood_id and trainee.subdistrict_id:
        if trainee.neighbourhood.subdistrict_id != trainee.subdistrict_id:
            errors.setdefault("neighbourhood", []).append(_("该居委会不属于所选街道（镇）。"))
    elif trainee.neighbourhood_id and not trainee.subdistrict_id:
        trainee.subdistrict_id = trainee.neighbourhood.subdistrict_id
    if can_manage_workers(actor) and not manages_subdistrict(actor, trainee.subdistrict_id):
        errors.setdefault("subdistrict", []).append(_("只能管理本街道（镇）的社区工作者。"))
    if (
        trainee.joined
        and trainee.started_community_work
        and trainee.joined < trainee.started_community_work
    ):
        errors.setdefault("joined", []).append(_("入职日期不能早于从事社区工作日期。"))
    started = trainee.started_community_work
    if trainee.birth_date and started and trainee.age_on(started) < 16:
        errors.setdefault("started_community_work", []).append(
            _("从事社区工作日期早于16周岁，请核对。")
        )
    return errors


def trainee_status_errors(trainee: Trainee, *, today: dt.date) -> dict[str, list[str]]:
    """The rules of `trainee_mark_left` and `trainee_set_status` for a status written directly
    (an import carries it as a column), and the model's two constraints on the date left."""
    errors: dict[str, list[str]] = {}
    if trainee.status == TraineeStatus.LEFT and not trainee.left_on:
        errors["left_on"] = [_("状态为“已离职”时须填写离职日期。")]
    elif trainee.status != TraineeStatus.LEFT and trainee.left_on:
        errors["left_on"] = [_("只有“已离职”的人员才填写离职日期。")]
    elif trainee.left_on:
        if trainee.joined and trainee.left_on < trainee.joined:
            errors.setdefault("left_on", []).append(_("离职日期不能早于入职日期。"))
        if trainee.left_on > today:
            errors.setdefault("left_on", []).append(_("离职日期不能晚于今天。"))
    return errors


def _check_rules(trainee: Trainee, *, actor: User) -> None:
    errors = trainee_rule_errors(trainee, actor=actor)
    if errors:
        raise ValidationError(errors)


def _require_editor(actor: User) -> None:
    if not can_manage_workers(actor):
        raise PermissionDenied(_("您的角色不能修改社区工作者档案。"))


@transaction.atomic
def trainee_create(*, actor: User, **fields: Any) -> Trainee:
    _require_editor(actor)
    trainee = Trainee(**{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    _check_rules(trainee, actor=actor)
    trainee.full_clean()
    trainee.save()
    first = WorkerPeriod.objects.bulk_create(initial_period(trainee, actor=actor))
    # bulk_create sends no post_save: figures kept from earlier counts hear it here.
    periods_changed.send(sender=WorkerPeriod, from_day=min(p.starts_on for p in first))
    after = audit_snapshot(trainee, AUDITED_FIELDS)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=trainee,
        changes=audit_diff({}, {k: v for k, v in after.items() if v not in ("", None)}),
    )
    return trainee


@transaction.atomic
def trainee_update(*, trainee: Trainee, actor: User, **fields: Any) -> Trainee:
    _require_editor(actor)
    if not manages_subdistrict(actor, trainee.subdistrict_id):
        raise PermissionDenied(_("只能管理本街道（镇）的社区工作者。"))
    before = audit_snapshot(trainee, AUDITED_FIELDS)
    stored = stored_columns(trainee)
    for key, value in fields.items():
        if key in EDITABLE_FIELDS:
            setattr(trainee, key, value)
    _check_rules(trainee, actor=actor)
    trainee.full_clean()
    # A changed committee, post, grade or date joined is a change of the worker's history,
    # effective today (trainees.history; a dated change with a reason is 办理变动).
    plan = plan_columns(
        list(trainee.periods.order_by("starts_on")),
        old=stored,
        new=trainee,
        effective_on=timezone.localdate(),
        actor=actor,
    )
    trainee.save()
    if plan is not None:
        apply_plans([plan])
        sync_current([trainee])
    _audit_update(trainee, actor, before)
    return trainee


def stored_columns(trainee: Trainee) -> dict[str, Any]:
    """The columns `plan_columns` compares, as stored (a bound form has already set new values
    on the instance)."""
    return (
        Trainee.objects.filter(pk=trainee.pk)
        .order_by()
        .values(
            "subdistrict_id",
            "neighbourhood_id",
            "post",
            "grade_id",
            "status",
            "joined",
            "left_on",
        )
        .get()
    )


def _audit_update(trainee: Trainee, actor: User, before: dict[str, Any]) -> None:
    changes = audit_diff(before, audit_snapshot(trainee, AUDITED_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=trainee, changes=changes)


@transaction.atomic
def trainee_mark_left(
    *,
    trainee: Trainee,
    actor: User,
    left_on: dt.date,
    kind: str = ChangeKind.LEFT,
    reason: str = "",
    document_no: str = "",
) -> Trainee:
    """Record that a worker left (离职, or 退休 with kind=RETIRED) from `left_on`, their first day
    off the books. The record stays: figures as of earlier dates still count them."""
    _require_editor(actor)
    if not manages_subdistrict(actor, trainee.subdistrict_id):
        raise PermissionDenied(_("只能管理本街道（镇）的社区工作者。"))
    if left_on < trainee.joined:
        raise ValidationError({"left_on": [_("离职日期不能早于入职日期。")]})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": [_("离职日期不能晚于今天。")]})
    return history_change(
        trainee=trainee,
        actor=actor,
        kind=kind,
        effective_on=left_on,
        reason=reason,
        document_no=document_no,
    )


@transaction.atomic
def trainee_set_status(
    *, trainee: Trainee, actor: User, status: str, effective_on: dt.date | None = None
) -> Trainee:
    """On leave, back on duty, or back after leaving (re-hired), from `effective_on` (today)."""
    _require_editor(actor)
    if not manages_subdistrict(actor, trainee.subdistrict_id):
        raise PermissionDenied(_("只能管理本街道（镇）的社区工作者。"))
    if status == TraineeStatus.LEFT:
        raise ValidationError(_("请使用“办理离职”记录离职日期。"))
    if status == trainee.status:
        return trainee
    day = effective_on or timezone.localdate()
    if status == TraineeStatus.ON_LEAVE:
        if trainee.status == TraineeStatus.LEFT:
            history_change(trainee=trainee, actor=actor, kind=ChangeKind.REHIRED, effective_on=day)
        return history_change(
            trainee=trainee,
            actor=actor,
            kind=ChangeKind.LEAVE,
            effective_on=day,
            leave_kind=LeaveKind.OTHER,
        )
    kind = ChangeKind.REHIRED if trainee.status == TraineeStatus.LEFT else ChangeKind.RETURN
    return history_change(trainee=trainee, actor=actor, kind=kind, effective_on=day)


@transaction.atomic
def trainee_link_login(*, trainee: Trainee, user: User | None, actor: User) -> Trainee:
    """Link the worker's record to a login, or unlink it (the admin site).

    The linked login sees the worker's home and confirms the logs of their supervision, so
    who linked which login is in the trail. District administrators only: they manage logins.
    """
    if not can_use_admin_site(actor):
        raise PermissionDenied(_("只有区管理员可以关联登录账号。"))
    if trainee.user_id == (user.pk if user else None):
        return trainee
    before = audit_snapshot(trainee, ("user",))
    trainee.user = user
    trainee.full_clean()  # one login, one worker
    trainee.save(update_fields=["user", "updated_at"])
    changes = audit_diff(before, audit_snapshot(trainee, ("user",)))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=trainee, changes=changes)
    return trainee
