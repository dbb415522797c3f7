"""Writes of the grade ledger: the scheme's rows, a year's proposals, HR's adjustments, and
applying them to the workers' histories. District only, every change audited.

Applying writes one 调级 period per moving worker, dated the year's effective day, through
trainees.history (`plan_change` + `apply_plans`, the one write path of the history) in one
batch; a worker whose grade changed since the proposals were computed stops the whole batch
(recompute first), so an applied ledger never overwrites a later decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import manages_subdistrict
from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_event, audit_record
from trainees.history import AHEAD_DAYS, apply_plans, covering, plan_change, sync_current
from trainees.models import CareerGrade, ChangeKind, WorkerPeriod
from trainees.populations import period_on_books_q

from .models import (
    TOP_GRADE,
    GradeBand,
    GradeProposal,
    GradeRule,
    GradeYear,
    LedgerJob,
    LedgerStatus,
    RuleKind,
)
from .rules import propose
from .selectors import DAY, active_rules, bands, ledger_facts
from .tasks import run_grade_ledger_job

Progress = Callable[[int], None]
# A job silent this long (no progress written) had its worker killed: it may be asked again.
JOB_STALE = dt.timedelta(minutes=30)


def _require_district(actor: User, message: str) -> None:
    if not manages_subdistrict(actor, None):
        raise PermissionDenied(message)


def _draft(ledger: GradeYear) -> GradeYear:
    locked = GradeYear.objects.select_for_update().get(pk=ledger.pk)
    if locked.is_applied:
        raise ValidationError(_("%(year)s 年度调级已执行，不能再修改。") % {"year": locked.year})
    return locked


@transaction.atomic
def grade_rule_set(
    *,
    actor: User,
    kind: str,
    key: str,
    grades: int,
    blocks: bool = False,
    active: bool = True,
    note: str = "",
) -> GradeRule:
    """Add or change the rule of (`kind`, `key`). Draft ledgers keep their proposals until
    recomputed (the page says so)."""
    _require_district(actor, _("只有区级管理员可以修改调级规则。"))
    key = key.strip()
    if kind == RuleKind.SERVICE and not (key.isascii() and key.isdigit() and 0 < int(key) < 100):
        raise ValidationError({"key": _("工作年限规则的条件应为正整数（每满几年）。")})
    rule = GradeRule.objects.filter(kind=kind, key=key).first()
    before = {"grades": rule.grades, "blocks": rule.blocks, "active": rule.active} if rule else {}
    rule = rule or GradeRule(kind=kind, key=key)
    rule.grades, rule.blocks, rule.active, rule.note = grades, blocks, active, note.strip()
    rule.updated_by = actor
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=rule,
        changes={
            "kind": kind,
            "key": key,
            **{
                name: [before.get(name), getattr(rule, name)]
                for name in ("grades", "blocks", "active")
            },
        },
    )
    return rule


@transaction.atomic
def grade_band_set(*, actor: User, post: str, group: str, lowest: int, highest: int) -> GradeBand:
    _require_district(actor, _("只有区级管理员可以修改岗位等级范围。"))
    band = GradeBand.objects.filter(post=post).first() or GradeBand(post=post)
    before = {"lowest": band.lowest, "highest": band.highest} if band.pk else {}
    band.group, band.lowest, band.highest = group.strip(), lowest, highest
    if lowest > highest:
        raise ValidationError({"highest": _("最高等级不能低于起点等级。")})
    band.full_clean()
    band.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=band,
        changes={
            "lowest": [before.get("lowest"), lowest],
            "highest": [before.get("highest"), highest],
        },
    )
    return band


@transaction.atomic
def ledger_open(
    *, actor: User, year: int, effective_on: dt.date, document_no: str = ""
) -> GradeYear:
    """Start the year's ledger and compute its proposals."""
    _require_district(actor, _("只有区级管理员可以发起年度调级。"))
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ValidationError(
            {"year": _("年度应在 2000 到 %(last)s 之间。") % {"last": today.year}}
        )
    if effective_on.year != year + 1:
        raise ValidationError(
            {
                "effective_on": _("%(year)s 年度调级的生效日期应在 %(next)s 年内。")
                % {"year": year, "next": year + 1}
            }
        )
    if GradeYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s 年度调级已经发起。") % {"year": year}})
    ledger = GradeYear(
        year=year,
        effective_on=effective_on,
        document_no=document_no.strip(),
        job=LedgerJob.COMPUTE,
        job_at=timezone.now(),
    )
    ledger.full_clean()
    ledger.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=ledger,
        changes={"year": year, "effective_on": effective_on.isoformat()},
    )
    _enqueue(ledger, actor)
    return ledger


def _enqueue(ledger: GradeYear, actor: User) -> None:
    transaction.on_commit(partial(run_grade_ledger_job.delay, ledger.pk, actor.pk))


def _busy(ledger: GradeYear) -> bool:
    return (
        bool(ledger.job)
        and ledger.job_at is not None
        and timezone.now() - ledger.job_at < JOB_STALE
    )


@transaction.atomic
def ledger_job_request(*, actor: User, ledger: GradeYear, job: str) -> GradeYear:
    """Queue a recompute or the apply of a draft ledger (one job at a time)."""
    _require_district(actor, _("只有区级管理员可以测算或执行年度调级。"))
    ledger = _draft(ledger)
    if _busy(ledger):
        raise ValidationError(_("%(job)s，请稍候。") % {"job": LedgerJob(ledger.job).label})
    if job == LedgerJob.APPLY:
        _check_ahead(ledger)
    ledger.job, ledger.progress, ledger.job_at, ledger.job_error = job, 0, timezone.now(), ""
    ledger.save(update_fields=["job", "progress", "job_at", "job_error"])
    _enqueue(ledger, actor)
    return ledger


def ledger_job_run(*, ledger_id: int, actor_id: int) -> str:
    """The task's body: run the job the ledger asks for; a refusal is kept for the page."""
    ledger = GradeYear.objects.filter(pk=ledger_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if ledger is None or actor is None or not ledger.job:
        return "nothing"
    job = ledger.job

    def progress(percent: int) -> None:
        GradeYear.objects.filter(pk=ledger_id).update(progress=percent, job_at=timezone.now())

    try:
        if job == LedgerJob.APPLY:
            ledger_apply(actor=actor, ledger=ledger, progress=progress)
        else:
            ledger_compute(actor=actor, ledger=ledger, progress=progress)
    except ValidationError as exc:
        GradeYear.objects.filter(pk=ledger_id).update(job="", job_error=" ".join(exc.messages))
        return "refused"
    except Exception:
        GradeYear.objects.filter(pk=ledger_id).update(job="", job_error=_("后台任务失败，请重试。"))
        raise
    return job


def ledger_compute(*, actor: User, ledger: GradeYear, progress: Progress | None = None) -> int:
    """(Re)compute every worker's proposal from the rules in force; HR's adjustments of
    workers still in the ledger are kept. Returns how many move.

    The reading and the rules run outside the transaction, so that `progress` (per 5,000
    workers) is seen by the page; the proposals are replaced in one transaction after."""
    _require_district(actor, _("只有区级管理员可以测算年度调级。"))
    if ledger.is_applied:
        raise ValidationError(_("%(year)s 年度调级已执行，不能再修改。") % {"year": ledger.year})
    total = max(
        WorkerPeriod.objects.filter(period_on_books_q(ledger.effective_on - DAY)).count(), 1
    )
    kept = {
        p.trainee_id: p
        for p in ledger.proposals.exclude(adjust_reason="").only(
            "trainee_id", "final_level", "adjust_reason", "adjusted_by_id"
        )
    }
    rules, by_post = active_rules(), bands()
    fresh = []
    for place, facts in ledger_facts(ledger.year, ledger.effective_on):
        band = by_post.get(place.post)
        if band is None:
            continue
        proposal = propose(facts, year=ledger.year, band=band, rules=rules)
        row = GradeProposal(
            ledger=ledger,
            trainee_id=place.trainee_id,
            subdistrict_id=place.subdistrict_id,
            neighbourhood_id=place.neighbourhood_id,
            post=place.post,
            from_level=facts.level,
            proposed_level=proposal.level,
            final_level=proposal.level,
            reasons=proposal.reasons,
        )
        adjusted = kept.get(place.trainee_id)
        if adjusted is not None:
            row.final_level = adjusted.final_level
            row.adjust_reason = adjusted.adjust_reason
            row.adjusted_by_id = adjusted.adjusted_by_id
        fresh.append(row)
        if progress is not None and len(fresh) % 5000 == 0:
            progress(min(80, 80 * len(fresh) // total))
    with transaction.atomic():
        ledger = _draft(ledger)
        ledger.proposals.all().delete()
        GradeProposal.objects.bulk_create(fresh, batch_size=2000)
        ledger.computed_at = timezone.now()
        ledger.job, ledger.progress = "", 100
        ledger.save(update_fields=["computed_at", "job", "progress"])
        moves = sum(1 for p in fresh if p.moves)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=ledger,
            changes={"computed": len(fresh), "moves": moves},
        )
    return moves


@transaction.atomic
def proposal_adjust(
    *, actor: User, proposal: GradeProposal, final_level: int, reason: str
) -> GradeProposal:
    """HR sets the grade a worker gets this year, with a reason (back to the computed grade:
    the reason may be empty)."""
    _require_district(actor, _("只有区级管理员可以调整调级结果。"))
    _draft(proposal.ledger)
    if not 0 <= final_level <= TOP_GRADE:
        raise ValidationError(
            {"final_level": _("等级应在 0 到 %(top)s 之间。") % {"top": TOP_GRADE}}
        )
    band = GradeBand.objects.filter(post=proposal.post).first()
    if band is not None and not band.lowest <= final_level <= max(
        band.highest, proposal.from_level
    ):
        raise ValidationError(
            {
                "final_level": _("%(post)s的等级范围为 %(low)s–%(high)s 级。")
                % {"post": proposal.get_post_display(), "low": band.lowest, "high": band.highest}
            }
        )
    reason = reason.strip()
    if final_level != proposal.proposed_level and not reason:
        raise ValidationError({"reason": _("调整测算结果须填写原因。")})
    before = proposal.final_level
    proposal.final_level = final_level
    proposal.adjust_reason = reason if final_level != proposal.proposed_level else ""
    proposal.adjusted_by = actor if proposal.adjust_reason else None
    proposal.save(update_fields=["final_level", "adjust_reason", "adjusted_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=proposal,
        changes={"final_level": [before, final_level], "reason": reason},
    )
    return proposal


def _grade_ids(levels: set[int]) -> dict[int, int]:
    """The CareerGrade row of each level, created with its plain name where missing."""
    existing = dict(CareerGrade.objects.filter(level__in=levels).values_list("level", "pk"))
    missing = [CareerGrade(level=n, name=f"{n}级") for n in sorted(levels - set(existing))]
    if missing:
        CareerGrade.objects.bulk_create(missing)
        existing = dict(CareerGrade.objects.filter(level__in=levels).values_list("level", "pk"))
    return existing


def _check_ahead(ledger: GradeYear) -> None:
    if ledger.effective_on > timezone.localdate() + AHEAD_DAYS * DAY:
        raise ValidationError(
            _("生效日期晚于一年以后，请到期前一年内再执行（%(day)s）。")
            % {"day": f"{ledger.effective_on:%Y年%-m月%-d日}"}
        )


@transaction.atomic
def ledger_apply(*, actor: User, ledger: GradeYear, progress: Progress | None = None) -> int:
    """Write every moving worker's grade into their history from the effective date."""
    _require_district(actor, _("只有区级管理员可以执行年度调级。"))
    ledger = _draft(ledger)
    _check_ahead(ledger)
    moving = [p for p in ledger.proposals.select_related("trainee") if p.moves]
    ids = [p.trainee_id for p in moving]
    periods: dict[int, list[WorkerPeriod]] = {pk: [] for pk in ids}
    for start in range(0, len(ids), 2000):
        for period in WorkerPeriod.objects.filter(
            trainee_id__in=ids[start : start + 2000]
        ).order_by("trainee_id", "starts_on"):
            periods[period.trainee_id].append(period)
    # The proposal's grade must still be the worker's both the day before and on the effective
    # day (a change recorded since, or dated that very day, makes the proposal stale).
    before = ledger.effective_on - DAY
    level_of = dict(CareerGrade.objects.values_list("pk", "level"))
    changed = []
    for p in moving:
        levels = []
        for day in (before, ledger.effective_on):
            now = covering(periods[p.trainee_id], day)
            levels.append(level_of.get(now.grade_id, 0) if now is not None else 0)
        if levels != [p.from_level, p.from_level]:
            changed.append(p.trainee.name)
    if changed:
        raise ValidationError(
            _("以下人员的等级在测算后已有变动，请重新测算后再执行：%(names)s")
            % {"names": "、".join(changed[:10]) + ("…" if len(changed) > 10 else "")}
        )
    grade_ids = _grade_ids({p.final_level for p in moving})
    reason = _("%(year)s 年度调级") % {"year": ledger.year}
    plans = []
    for p in moving:
        plans.append(
            plan_change(
                periods[p.trainee_id],
                effective_on=ledger.effective_on,
                kind=ChangeKind.GRADE,
                values={"grade_id": grade_ids[p.final_level]},
                reason=reason,
                document_no=ledger.document_no,
                actor=actor,
            )
        )
    apply_plans(plans)
    if ledger.effective_on <= timezone.localdate():
        # A date still ahead is taken into the workers' own columns on the day
        # (trainees.tasks.apply_dated_changes), as any change dated ahead.
        sync_current([p.trainee for p in moving])
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=p.trainee,
                changes={
                    "grade": [p.from_level, p.final_level],
                    "effective_on": ledger.effective_on.isoformat(),
                    "reason": reason,
                    "document_no": ledger.document_no,
                },
            )
            for p in moving
        ],
        batch_size=2000,
    )
    ledger.status = LedgerStatus.APPLIED
    ledger.applied_at = timezone.now()
    ledger.applied_by = actor
    ledger.job, ledger.progress = "", 100
    ledger.save(update_fields=["status", "applied_at", "applied_by", "job", "progress"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=ledger, changes={"applied": len(moving)}
    )
    return len(moving)
