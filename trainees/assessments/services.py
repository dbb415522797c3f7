"""Writes of the yearly assessment: the only code that changes rounds, quotas and results.

The district opens a round for a year and sets the 优秀 share (per subdistrict where it
differs); each subdistrict office enters its own workers' results — the workers its
subdistrict placed at the year's end, or when they last were on the books that year
(selectors.round_placements) — and the district may enter anyone's. The district locks the
round once every worker has a result; a locked round is final until the district unlocks it
with a reason. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_manage_place, manages_subdistrict
from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_event, audit_record
from neighbourhoods.models import Subdistrict

from ..models import Trainee
from .models import Assessment, AssessmentQuota, AssessmentResult, AssessmentRound, RoundStatus
from .selectors import round_placements, round_summary

# The earliest year a round may be opened for (the history in Dudao starts later anyway).
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Entry:
    """One row of the bulk entry: a result ("" clears an entered one) and a note."""

    trainee_id: int
    result: str
    note: str = ""


def _require_district(actor: User, message: str) -> None:
    # `manages_subdistrict(None)`: the district's own business, the district administrators'.
    if not manages_subdistrict(actor, None):
        raise PermissionDenied(message)


def _check_share(share: int) -> None:
    if not isinstance(share, int) or not 0 <= share <= 100:
        raise ValidationError({"excellent_share": _("优秀比例应为 0 到 100 之间的整数。")})


@transaction.atomic
def round_open(*, year: int, excellent_share: int, actor: User) -> AssessmentRound:
    _require_district(actor, _("只有区级管理员可以发起年度考核。"))
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ValidationError(
            {
                "year": _("年度应在 %(first)s 到 %(last)s 之间。")
                % {"first": FIRST_YEAR, "last": this_year}
            }
        )
    _check_share(excellent_share)
    if AssessmentRound.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s 年度考核已经发起。") % {"year": year}})
    round_ = AssessmentRound(year=year, excellent_share=excellent_share, opened_by=actor)
    round_.full_clean()
    round_.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=round_,
        changes={"year": year, "excellent_share": excellent_share},
    )
    return round_


@transaction.atomic
def quota_set(
    *, round_: AssessmentRound, subdistrict: Subdistrict, share: int | None, actor: User
) -> None:
    """A subdistrict's own 优秀 share (None: the round's again). Takes effect on the next
    entry; results already entered stay as they are until changed."""
    _require_district(actor, _("只有区级管理员可以设定优秀名额比例。"))
    if round_.is_locked:
        raise ValidationError(_("本年度考核已锁定，不能修改。"))
    existing = AssessmentQuota.objects.filter(round=round_, subdistrict=subdistrict).first()
    before = existing.excellent_share if existing else None
    if share is None:
        if existing:
            existing.delete()
    else:
        _check_share(share)
        quota = existing or AssessmentQuota(round=round_, subdistrict=subdistrict)
        quota.excellent_share = share
        quota.full_clean()
        quota.save()
    if before != share:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=round_,
            changes={"quota": [str(subdistrict), before, share]},
        )


def _locked_round(round_: AssessmentRound) -> AssessmentRound:
    """The round read again under a row lock: a lock racing an entry waits for it."""
    return AssessmentRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def results_set(*, round_: AssessmentRound, entries: Sequence[Entry], actor: User) -> int:
    """Enter or change the results of many workers at once; all or nothing.

    Raises ValidationError with one message per refused worker (keyed by the worker's id as a
    string) — not on the books that year, or not this office's — or one message naming the
    subdistrict whose 优秀 would exceed its quota. Returns how many results changed.
    """
    if not can_manage_place(actor):
        raise PermissionDenied(_("您的角色只能查看年度考核结果。"))
    round_ = _locked_round(round_)
    if round_.is_locked:
        raise ValidationError(_("本年度考核已锁定，不能修改。"))
    ids = [e.trainee_id for e in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("同一名社区工作者只能录入一个考核结果。"))
    placed = dict(
        round_placements(round_.year)
        .filter(trainee_id__in=ids)
        .values_list("trainee_id", "subdistrict_id")
    )
    names = dict(Trainee.objects.filter(pk__in=placed).values_list("pk", "name"))
    errors: dict[str, list[str]] = {}
    for e in entries:
        if e.result and e.result not in AssessmentResult.values:
            errors[str(e.trainee_id)] = [_("请选择有效的考核结果。")]
        elif e.trainee_id not in placed:
            errors[str(e.trainee_id)] = [
                _("该社区工作者 %(year)s 年不在册，不参加本年度考核。") % {"year": round_.year}
            ]
        elif not manages_subdistrict(actor, placed[e.trainee_id]):
            errors[str(e.trainee_id)] = [_("该社区工作者不由您所在的街道（镇）考核。")]
        elif len(e.note) > 200:
            errors[str(e.trainee_id)] = [_("备注不能超过 200 个字。")]
    if errors:
        raise ValidationError(errors)

    existing = {
        a.trainee_id: a
        for a in Assessment.objects.filter(round=round_, trainee_id__in=ids).select_related("round")
    }
    now = timezone.now()
    create, update, delete, events = [], [], [], []
    # Only a subdistrict that gains an 优秀 is checked against its quota: one over it (the
    # quota was lowered) can still move its 优秀 down one row at a time.
    gaining: set[int] = set()
    for e in entries:
        old = existing.get(e.trainee_id)
        if not e.result:
            if old is not None:
                delete.append(old.pk)
                events.append(_event(actor, AuditAction.DELETE, old, names, old.result, ""))
            continue
        if old is None:
            new = Assessment(
                round=round_,
                trainee_id=e.trainee_id,
                result=e.result,
                subdistrict_id=placed[e.trainee_id],
                note=e.note,
                entered_by=actor,
                entered_at=now,
            )
            create.append(new)
            if e.result == AssessmentResult.EXCELLENT:
                gaining.add(new.subdistrict_id)
            continue
        if (old.result, old.note, old.subdistrict_id) == (e.result, e.note, placed[e.trainee_id]):
            continue
        if e.result == AssessmentResult.EXCELLENT:
            gaining.add(placed[e.trainee_id])
        events.append(_event(actor, AuditAction.UPDATE, old, names, old.result, e.result, e.note))
        old.result, old.note, old.subdistrict_id = e.result, e.note, placed[e.trainee_id]
        old.entered_by, old.entered_at = actor, now
        update.append(old)
    if delete:
        Assessment.objects.filter(pk__in=delete).delete()
    if update:
        Assessment.objects.bulk_update(
            update, ["result", "note", "subdistrict", "entered_by", "entered_at"]
        )
    if create:
        Assessment.objects.bulk_create(create)
        events += [_event(actor, AuditAction.CREATE, a, names, "", a.result) for a in create]
    _check_quota(round_, gaining)
    AuditEvent.objects.bulk_create(events)
    return len(events)


def _event(
    actor: User,
    action: str,
    obj: Assessment,
    names: dict[int, str],
    old_result: str,
    new_result: str,
    new_note: str | None = None,
) -> AuditEvent:
    """One audit event of a result (built, saved in bulk with the others)."""
    label = dict(AssessmentResult.choices)
    changes: dict[str, list[str]] = {
        "result": [str(label.get(old_result, "")), str(label.get(new_result, ""))]
    }
    if new_note is not None and new_note != obj.note:
        changes["note"] = [obj.note, new_note]
    elif action == AuditAction.CREATE and obj.note:
        changes["note"] = ["", obj.note]
    return audit_event(
        actor=actor,
        action=action,
        object_type="trainees.assessment",
        object_id=str(obj.pk or ""),
        object_repr=f"{names.get(obj.trainee_id, obj.trainee_id)} · {obj.round.year}",
        changes=changes,
    )


def _check_quota(round_: AssessmentRound, subdistrict_ids: set[int]) -> None:
    """优秀 per subdistrict at most its share of the round's workers, rounded down."""
    if not subdistrict_ids:
        return
    over = [
        p for p in round_summary(round_=round_, subdistrict_ids=subdistrict_ids) if p.over_quota
    ]
    if over:
        raise ValidationError(
            [
                _(
                    "%(place)s的优秀名额为 %(allowed)s 人（%(share)s%%，共 %(workers)s 人），"
                    "录入后将有 %(count)s 人评为优秀，请调整。"
                )
                % {
                    "place": p.name,
                    "allowed": p.allowed,
                    "share": p.share,
                    "workers": p.workers,
                    "count": p.excellent,
                }
                for p in over
            ]
        )


@transaction.atomic
def round_lock(*, round_: AssessmentRound, actor: User) -> AssessmentRound:
    """Confirm the round: every worker on the books that year must have a result."""
    _require_district(actor, _("只有区级管理员可以锁定年度考核。"))
    round_ = _locked_round(round_)
    if round_.is_locked:
        raise ValidationError(_("本年度考核已锁定。"))
    summary = round_summary(round_=round_)
    missing = [p for p in summary if p.missing]
    if missing:
        raise ValidationError(
            _("尚有 %(count)s 名在册人员未录入考核结果（%(places)s），不能锁定。")
            % {
                "count": sum(p.missing for p in missing),
                "places": "、".join(f"{p.name} {p.missing}" for p in missing),
            }
        )
    over = [p.name for p in summary if p.over_quota]
    if over:
        raise ValidationError(
            _("%(places)s的优秀人数超过名额，不能锁定。") % {"places": "、".join(over)}
        )
    round_.status = RoundStatus.LOCKED
    round_.locked_by = actor
    round_.locked_at = timezone.now()
    round_.save(update_fields=["status", "locked_by", "locked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=round_,
        changes={"status": [str(RoundStatus.OPEN.label), str(RoundStatus.LOCKED.label)]},
    )
    return round_


@transaction.atomic
def round_unlock(*, round_: AssessmentRound, reason: str, actor: User) -> AssessmentRound:
    _require_district(actor, _("只有区级管理员可以解锁年度考核。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写解锁原因。")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("解锁原因不能超过 200 个字。")})
    round_ = _locked_round(round_)
    if not round_.is_locked:
        raise ValidationError(_("本年度考核尚未锁定。"))
    round_.status = RoundStatus.OPEN
    round_.locked_by = None
    round_.locked_at = None
    round_.unlock_reason = reason
    round_.save(update_fields=["status", "locked_by", "locked_at", "unlock_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=round_,
        changes={
            "status": [str(RoundStatus.LOCKED.label), str(RoundStatus.OPEN.label)],
            "reason": reason,
        },
    )
    return round_
