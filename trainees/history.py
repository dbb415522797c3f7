"""A worker's dated history (一人一档): the only code that writes `WorkerPeriod` rows.

Every change of placement (subdistrict, committee), post, grade or employment state — transfer
(调动), post change (岗位变动), grade change (调级), leave and return (休假/返岗), secondment
(借调), leaving (离职/退休) and coming back (再次入职) — is one call of `history_change` with an
effective date, a reason and an optional document number (文号). It splits the period that
covers the date and carries the new value forward until the field's next recorded change, so a
change recorded late, or a correction, never rewrites what was recorded after it. Periods
never overlap (PostgreSQL also refuses it with an exclusion constraint) and leave no gap.

`plan_change` is the pure part (a list of periods in, a list out); the single service and the
bulk import (trainees.bulk) both use it, so there is one write path. After every write the
worker's own columns are set to the period covering today (`sync_current`), and a daily task
does the same for changes dated ahead (`sync_due`).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_manage_workers, manages_subdistrict, sees_whole_district
from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record

from .models import (
    OFF_BOOKS_STATES,
    ON_BOOKS_STATES,
    ChangeKind,
    EmploymentState,
    Trainee,
    TraineeStatus,
    WorkerPeriod,
)
from .signals import periods_changed

DAY = dt.timedelta(days=1)
# The values a period carries; a change sets some of them.
VALUE_FIELDS = ("subdistrict_id", "neighbourhood_id", "post", "grade_id", "state", "leave_kind")
# How far back a subdistrict office may date a change itself; earlier is a correction
# (district administrators, with a reason).
RECENT_DAYS = 31
# How far ahead a change may be dated (a transfer or a leave announced in advance).
AHEAD_DAYS = 366

STATUS_OF_STATE = {
    EmploymentState.ON_DUTY: TraineeStatus.ACTIVE,
    EmploymentState.LEAVE: TraineeStatus.ON_LEAVE,
    EmploymentState.SECONDED: TraineeStatus.ON_LEAVE,
    EmploymentState.LEFT: TraineeStatus.LEFT,
    EmploymentState.RETIRED: TraineeStatus.LEFT,
}

# Which state each kind of change moves to (None: the state is unchanged), and from which
# states it may be made.
_ON_BOOKS = frozenset(ON_BOOKS_STATES)
_OFF_BOOKS = frozenset(OFF_BOOKS_STATES)
TRANSITIONS: dict[str, tuple[str | None, frozenset[str]]] = {
    ChangeKind.TRANSFER: (None, _ON_BOOKS),
    ChangeKind.POST: (None, _ON_BOOKS),
    ChangeKind.GRADE: (None, _ON_BOOKS),
    ChangeKind.LEAVE: (EmploymentState.LEAVE, frozenset({EmploymentState.ON_DUTY})),
    ChangeKind.SECONDMENT: (EmploymentState.SECONDED, frozenset({EmploymentState.ON_DUTY})),
    ChangeKind.RETURN: (
        EmploymentState.ON_DUTY,
        frozenset({EmploymentState.LEAVE, EmploymentState.SECONDED}),
    ),
    ChangeKind.LEFT: (EmploymentState.LEFT, _ON_BOOKS),
    ChangeKind.RETIRED: (EmploymentState.RETIRED, _ON_BOOKS),
    ChangeKind.REHIRED: (EmploymentState.ON_DUTY, _OFF_BOOKS),
    ChangeKind.IMPORT: (None, _ON_BOOKS | _OFF_BOOKS),
}


@dataclass
class Plan:
    """The periods to delete, update and create for one worker."""

    delete: list[WorkerPeriod] = field(default_factory=list)
    update: list[WorkerPeriod] = field(default_factory=list)
    create: list[WorkerPeriod] = field(default_factory=list)
    periods: list[WorkerPeriod] = field(default_factory=list)  # the result, in order
    changed: dict[str, list[Any]] = field(default_factory=dict)  # field: [old, new] on the day
    was: dict[int, tuple] = field(default_factory=dict)  # pk: (starts_on, ends_on) stored
    columns: dict[int, tuple[str, ...]] = field(default_factory=dict)  # pk: columns to update

    def shrinks(self, period: WorkerPeriod) -> bool:
        """The update only gives up days (so it can go first without overlapping anything)."""
        start, end = self.was[period.pk]
        new_end = period.ends_on or dt.date.max
        return period.starts_on >= start and new_end <= (end or dt.date.max)


def _values(period: WorkerPeriod) -> tuple:
    return tuple(getattr(period, name) for name in VALUE_FIELDS)


def covering(periods: Sequence[WorkerPeriod], day: dt.date) -> WorkerPeriod | None:
    for period in periods:
        if period.covers(day):
            return period
    return None


def plan_change(
    periods: Sequence[WorkerPeriod],
    *,
    effective_on: dt.date,
    kind: str,
    values: dict[str, Any],
    reason: str = "",
    document_no: str = "",
    actor: User | None = None,
) -> Plan:
    """The periods after a change of `values` from `effective_on` on. Raises ValidationError.

    `periods` are the worker's stored periods in order. The period covering the date is split
    there; each changed field takes its new value from the date until the next period in which
    that field already differed (its next recorded change). Neighbours left with equal values
    are merged, so recording the same fact twice changes nothing.
    """
    periods = [copy.copy(p) for p in sorted(periods, key=lambda p: p.starts_on)]
    if not periods:
        raise ValidationError({"effective_on": [_("该人员尚无履历，请先建立入职记录。")]})
    if effective_on < periods[0].starts_on:
        raise ValidationError(
            {
                "effective_on": [
                    _("生效日期不能早于首次入职日期（%(date)s）。")
                    % {"date": f"{periods[0].starts_on:%Y年%-m月%-d日}"}
                ]
            }
        )
    target, allowed_from = TRANSITIONS[kind]
    current = covering(periods, effective_on)
    assert current is not None  # contiguous from the first start, the last one open
    if current.state not in allowed_from:
        raise ValidationError(
            {
                "kind": [
                    _("%(date)s 该人员状态为“%(state)s”，不能办理“%(kind)s”。")
                    % {
                        "date": f"{effective_on:%Y年%-m月%-d日}",
                        "state": EmploymentState(current.state).label,
                        "kind": ChangeKind(kind).label,
                    }
                ]
            }
        )
    values = dict(values)
    if target is not None:
        values["state"] = target
    if values.get("state", current.state) != EmploymentState.LEAVE:
        values["leave_kind"] = ""
    elif not values.get("leave_kind") and current.state != EmploymentState.LEAVE:
        raise ValidationError({"leave_kind": [_("请选择休假类别。")]})
    changed = {
        name: [getattr(current, name), value]
        for name, value in values.items()
        if getattr(current, name) != value
    }
    if not changed:
        raise ValidationError(_("与该日期的现有记录相同，没有需要登记的变动。"))

    original = [copy.copy(p) for p in periods]
    if current.starts_on < effective_on:
        head = current
        tail = copy.copy(current)
        tail.pk = None
        tail.id = None
        tail.starts_on = effective_on
        tail.ends_on = current.ends_on
        head.ends_on = effective_on - DAY
        index = periods.index(current) + 1
        periods.insert(index, tail)
    else:
        tail = current
        index = periods.index(current)
    tail.change = kind
    tail.reason = reason
    tail.document_no = document_no
    tail.recorded_by = actor
    # Carry each changed value forward until that field's next recorded change.
    for name, (old, new) in changed.items():
        for period in periods[index:]:
            if getattr(period, name) != old:
                break
            setattr(period, name, new)
    # State changes forward may leave a leave kind on a period no longer on leave.
    for period in periods[index:]:
        if period.state != EmploymentState.LEAVE:
            period.leave_kind = ""
        elif not period.leave_kind:
            period.leave_kind = values.get("leave_kind") or "other"
    # Merge neighbours that now say the same thing (the later one adds nothing).
    merged: list[WorkerPeriod] = []
    for period in periods:
        if merged and _values(merged[-1]) == _values(period):
            merged[-1].ends_on = period.ends_on
            continue
        merged.append(period)
    plan = diff_periods(original, merged)
    plan.changed = changed
    return plan


SHAPE = (*VALUE_FIELDS, "starts_on", "ends_on", "change", "reason", "document_no", "recorded_by_id")


def _shape(period: WorkerPeriod) -> tuple:
    return tuple(getattr(period, name) for name in SHAPE)


def diff_periods(original: Sequence[WorkerPeriod], final: Sequence[WorkerPeriod]) -> Plan:
    """What to write to turn the stored periods into `final` (matched by primary key)."""
    before = {p.pk: _shape(p) for p in original if p.pk}
    kept = {p.pk for p in final if p.pk}
    plan = Plan(periods=list(final))
    plan.was = {p.pk: (p.starts_on, p.ends_on) for p in original if p.pk}
    plan.delete = [p for p in original if p.pk and p.pk not in kept]
    for period in final:
        if period.pk is None:
            plan.create.append(period)
        elif before.get(period.pk) != _shape(period):
            plan.update.append(period)
            plan.columns[period.pk] = tuple(
                name.removesuffix("_id") if name == "recorded_by_id" else name
                for name, old, new in zip(SHAPE, before[period.pk], _shape(period), strict=True)
                if old != new
            )
    return plan


PLACEMENT = ("subdistrict_id", "neighbourhood_id", "post", "grade_id")


def plan_columns(
    periods: Sequence[WorkerPeriod],
    *,
    old: dict[str, Any],
    new: Trainee,
    effective_on: dt.date,
    actor: User | None,
    reason: str = "",
) -> Plan | None:
    """The plan that makes the history agree with a worker's edited columns (the edit form and
    the roster import write a worker's columns; their history follows from here).

    `old` holds the columns as stored (`current_columns` names), `new` the edited worker.
    Placement, post and grade changes take effect on `effective_on`; leaving on the date left;
    coming back (a 离职 worker marked active again) is a re-hire on `effective_on`. A changed
    入职日期 moves the start of the worker's only spell. Returns None when nothing changed.
    """
    original = [copy.copy(p) for p in sorted(periods, key=lambda p: p.starts_on)]
    work = [copy.copy(p) for p in original]
    touched = False
    if new.joined != old["joined"]:
        if any(p.state in OFF_BOOKS_STATES for p in work[:-1]) or (
            work[-1].state in OFF_BOOKS_STATES and old["status"] != TraineeStatus.LEFT
        ):
            raise ValidationError(
                {"joined": [_("该人员有多段在职经历，入职日期请由区管理员在履历中更正。")]}
            )
        first = work[0]
        if first.ends_on is not None and new.joined > first.ends_on:
            raise ValidationError(
                {
                    "joined": [
                        _("入职日期不能晚于第一段履历的截止日期（%(date)s）。")
                        % {"date": f"{first.ends_on:%Y年%-m月%-d日}"}
                    ]
                }
            )
        first.starts_on = new.joined
        touched = True

    def step(kind: str, day: dt.date, values: dict[str, Any]) -> None:
        nonlocal work, touched
        # Each step is a plan over the result so far; the last diff is against the stored rows.
        result = plan_change(
            work, effective_on=day, kind=kind, values=values, reason=reason, actor=actor
        )
        work = result.periods
        touched = True

    placement = {name: getattr(new, name) for name in PLACEMENT if getattr(new, name) != old[name]}
    if new.status != old["status"] or new.left_on != old["left_on"]:
        if old["status"] == TraineeStatus.LEFT and new.status != TraineeStatus.LEFT:
            step(ChangeKind.REHIRED, effective_on, {n: getattr(new, n) for n in PLACEMENT})
            placement = {}
            if new.status == TraineeStatus.ON_LEAVE:
                step(ChangeKind.LEAVE, effective_on, {"leave_kind": "other"})
        elif new.status == TraineeStatus.LEFT and old["status"] != TraineeStatus.LEFT:
            if placement:
                step(_placement_kind(placement), min(effective_on, new.left_on), placement)
                placement = {}
            step(ChangeKind.LEFT, new.left_on, {})
        elif new.status == TraineeStatus.LEFT:
            # A corrected date left: move the boundary of the last spell.
            last = work[-1]
            if len(work) < 2 or new.left_on <= work[-2].starts_on:
                raise ValidationError(
                    {"left_on": [_("离职日期须晚于最后一段在职履历的起始日期。")]}
                )
            work[-2].ends_on = new.left_on - DAY
            last.starts_on = new.left_on
            touched = True
        elif new.status == TraineeStatus.ON_LEAVE:
            step(ChangeKind.LEAVE, effective_on, {"leave_kind": "other"})
        else:
            step(ChangeKind.RETURN, effective_on, {})
    if placement:
        step(_placement_kind(placement), effective_on, placement)
    if not touched:
        return None
    return diff_periods(original, work)


def _placement_kind(changes: dict[str, Any]) -> str:
    if "subdistrict_id" in changes or "neighbourhood_id" in changes:
        return ChangeKind.TRANSFER
    return ChangeKind.POST if "post" in changes else ChangeKind.GRADE


def check_contiguous(periods: Sequence[WorkerPeriod]) -> None:
    """No overlap, no gap, only the last one open (SQLite has no exclusion constraint)."""
    for before, after in zip(periods, periods[1:], strict=False):
        if before.ends_on is None or before.ends_on + DAY != after.starts_on:
            raise ValidationError(_("履历的起止日期有重叠或间断，请联系区管理员。"))
    if periods and periods[-1].ends_on is not None:
        raise ValidationError(_("履历的起止日期有重叠或间断，请联系区管理员。"))


def apply_plans(plans: Iterable[Plan]) -> None:
    """Write plans in an order no intermediate state overlaps: delete, shrink, create."""
    plans = list(plans)
    for plan in plans:
        check_contiguous(plan.periods)
    doomed = [p.pk for plan in plans for p in plan.delete]
    # Pure moves of a boundary (a corrected date) must not overlap on the way: PostgreSQL
    # checks the exclusion constraint per statement, so shrink first, then grow.
    if doomed:
        WorkerPeriod.objects.filter(pk__in=doomed).delete()
    # Each group of periods is updated in only the columns that changed (a split changes one
    # date; a carried-forward value one column): a CASE per column per row costs the most.
    groups: dict[tuple[bool, tuple[str, ...]], list[WorkerPeriod]] = {}
    for plan in plans:
        for period in plan.update:
            key = (not plan.shrinks(period), plan.columns[period.pk])
            groups.setdefault(key, []).append(period)
    for (_grows, columns), batch in sorted(groups.items(), key=lambda item: item[0][0]):
        WorkerPeriod.objects.bulk_update(batch, list(columns), batch_size=1000)
    creates = [p for plan in plans for p in plan.create]
    if creates:
        WorkerPeriod.objects.bulk_create(creates, batch_size=1000)
    from_day = min((day for plan in plans for day in _changed_from(plan)), default=None)
    if from_day is not None:
        periods_changed.send(sender=WorkerPeriod, from_day=from_day)


def _changed_from(plan: Plan) -> Iterator[dt.date]:
    """The first day each written period changes (a moved end changes only the days after)."""
    for period in plan.delete:
        yield period.starts_on
    for period in plan.update:
        start, end = plan.was[period.pk]
        if set(plan.columns[period.pk]) <= {"ends_on"}:
            ends = [day for day in (end, period.ends_on) if day is not None]
            if ends:
                yield min(ends) + DAY
        else:
            yield min(start, period.starts_on)
    for period in plan.create:
        yield period.starts_on


def current_columns(periods: Sequence[WorkerPeriod], today: dt.date) -> dict[str, Any]:
    """The worker's own columns as the period covering today says (the first one if none yet)."""
    now = covering(periods, today) or periods[0]
    index = periods.index(now)
    # `joined` is the first day of the latest spell on the books up to now (the one that
    # ended, for a worker who has left); `left_on` is the first day off the books.
    last = index
    while last >= 0 and periods[last].state in OFF_BOOKS_STATES:
        last -= 1
    first = last
    while first > 0 and periods[first - 1].state in ON_BOOKS_STATES:
        first -= 1
    spell_start = periods[first].starts_on if last >= 0 else now.starts_on
    return {
        "subdistrict_id": now.subdistrict_id,
        "neighbourhood_id": now.neighbourhood_id,
        "post": now.post,
        "grade_id": now.grade_id,
        "status": STATUS_OF_STATE[EmploymentState(now.state)],
        "joined": spell_start,
        "left_on": now.starts_on if now.state in OFF_BOOKS_STATES else None,
    }


def sync_current(trainees: Sequence[Trainee], *, today: dt.date | None = None) -> list[Trainee]:
    """Set each worker's own columns from their periods; returns the workers that changed."""
    today = today or timezone.localdate()
    by_trainee: dict[int, list[WorkerPeriod]] = {t.pk: [] for t in trainees}
    for period in WorkerPeriod.objects.filter(trainee__in=list(by_trainee)).order_by(
        "trainee_id", "starts_on"
    ):
        by_trainee[period.trainee_id].append(period)
    changed = []
    for trainee in trainees:
        periods = by_trainee[trainee.pk]
        if not periods:
            continue
        columns = current_columns(periods, today)
        if any(getattr(trainee, k) != v for k, v in columns.items()):
            for key, value in columns.items():
                setattr(trainee, key, value)
            changed.append(trainee)
    if changed:
        Trainee.objects.bulk_update(changed, [*current_columns(by_trainee[changed[0].pk], today)])
        Trainee.objects.filter(pk__in=[t.pk for t in changed]).update(updated_at=timezone.now())
    return changed


def sync_due(today: dt.date | None = None) -> int:
    """The daily task: workers whose period starts today take its values (changes dated ahead)."""
    today = today or timezone.localdate()
    ids = WorkerPeriod.objects.filter(starts_on__lte=today, starts_on__gte=today - 7 * DAY)
    trainees = list(Trainee.objects.filter(pk__in=ids.values("trainee_id")).order_by())
    return len(sync_current(trainees, today=today))


def initial_period(trainee: Trainee, *, actor: User | None, reason: str = "") -> list[WorkerPeriod]:
    """The periods of a worker just created, from their own columns (one, or two if left)."""
    base = dict(
        trainee=trainee,
        subdistrict_id=trainee.subdistrict_id,
        neighbourhood_id=trainee.neighbourhood_id,
        post=trainee.post,
        grade_id=trainee.grade_id,
        recorded_by=actor,
        reason=reason,
    )
    if trainee.status == TraineeStatus.LEFT and trainee.left_on:
        periods = []
        if trainee.left_on > trainee.joined:
            periods.append(
                WorkerPeriod(
                    **base,
                    starts_on=trainee.joined,
                    ends_on=trainee.left_on - DAY,
                    state=EmploymentState.ON_DUTY,
                    change=ChangeKind.JOINED,
                )
            )
        periods.append(
            WorkerPeriod(
                **base,
                starts_on=max(trainee.left_on, trainee.joined),
                state=EmploymentState.LEFT,
                change=ChangeKind.LEFT,
            )
        )
        return periods
    on_leave = trainee.status == TraineeStatus.ON_LEAVE
    return [
        WorkerPeriod(
            **base,
            starts_on=trainee.joined,
            state=EmploymentState.LEAVE if on_leave else EmploymentState.ON_DUTY,
            leave_kind="other" if on_leave else "",
            change=ChangeKind.JOINED,
        )
    ]


@dataclass(frozen=True)
class Change:
    """One dated change of a worker's history, as `plan_change` takes it."""

    effective_on: dt.date
    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    document_no: str = ""


def history_build(
    trainee: Trainee, changes: Iterable[Change], *, actor: User | None = None
) -> list[WorkerPeriod]:
    """The whole history of a worker not yet written, in memory: the first period(s) from the
    worker's columns (`initial_period`), then each change in date order through `plan_change`,
    under the same rules as `history_change`. Raises ValidationError like it.

    Pure (no query): for loading many workers at once (the demo), whose caller bulk-creates the
    periods once the workers have keys and sets the columns from `current_columns`.
    """
    periods = initial_period(trainee, actor=actor)
    for change in sorted(changes, key=lambda c: c.effective_on):
        periods = plan_change(
            periods,
            effective_on=change.effective_on,
            kind=change.kind,
            values=change.values,
            reason=change.reason,
            document_no=change.document_no,
            actor=actor,
        ).periods
    check_contiguous(periods)
    return periods


def change_rule_errors(
    trainee: Trainee,
    *,
    actor: User,
    effective_on: dt.date,
    reason: str,
    periods: Sequence[WorkerPeriod],
    today: dt.date,
) -> dict[str, list[str]]:
    """Who may date a change when: recent changes by the worker's office, corrections further
    back (or before the latest recorded change) by district administrators with a reason."""
    errors: dict[str, list[str]] = {}
    if effective_on > today + AHEAD_DAYS * DAY:
        errors["effective_on"] = [_("生效日期不能晚于一年以后。")]
    latest = max(p.starts_on for p in periods) if periods else effective_on
    backdated = effective_on < today - RECENT_DAYS * DAY or effective_on < latest
    if backdated:
        if not sees_whole_district(actor):
            errors.setdefault("effective_on", []).append(
                _(
                    "早于%(days)s天前或早于最近一次变动（%(latest)s）的补登、更正，"
                    "须由区管理员办理。"
                )
                % {"days": RECENT_DAYS, "latest": f"{latest:%Y年%-m月%-d日}"}
            )
        elif not reason.strip():
            errors.setdefault("reason", []).append(_("补登或更正过去的记录须填写原因。"))
    return errors


def change_values(
    kind: str,
    *,
    subdistrict=None,
    neighbourhood=None,
    post: str | None = None,
    grade=None,
    leave_kind: str = "",
) -> dict[str, Any]:
    """The period columns a change of `kind` sets (`plan_change`'s values), from the values given
    for it; the others a kind does not set are ignored. Who may set them is the caller's check."""
    values: dict[str, Any] = {}
    if kind in (ChangeKind.TRANSFER, ChangeKind.REHIRED) and subdistrict is not None:
        values["subdistrict_id"] = subdistrict.pk
        values["neighbourhood_id"] = neighbourhood.pk if neighbourhood else None
    if post is not None and kind in (ChangeKind.POST, ChangeKind.REHIRED, ChangeKind.TRANSFER):
        values["post"] = post
    if kind == ChangeKind.GRADE or (kind == ChangeKind.REHIRED and grade is not None):
        values["grade_id"] = grade.pk if grade else None
    if kind == ChangeKind.LEAVE:
        values["leave_kind"] = leave_kind
    return values


@transaction.atomic
def history_change(
    *,
    trainee: Trainee,
    actor: User,
    kind: str,
    effective_on: dt.date,
    reason: str = "",
    document_no: str = "",
    subdistrict=None,
    neighbourhood=None,
    post: str | None = None,
    grade=None,
    leave_kind: str = "",
    today: dt.date | None = None,
) -> Trainee:
    """Record one change of a worker's history from `effective_on` on (see the module)."""
    if not can_manage_workers(actor):
        raise PermissionDenied(_("您的角色不能修改社区工作者档案。"))
    if not manages_subdistrict(actor, trainee.subdistrict_id):
        raise PermissionDenied(_("只能管理本街道（镇）的社区工作者。"))
    today = today or timezone.localdate()
    locked = Trainee.objects.select_for_update().order_by().get(pk=trainee.pk)
    periods = list(locked.periods.order_by("starts_on"))
    errors = change_rule_errors(
        locked, actor=actor, effective_on=effective_on, reason=reason, periods=periods, today=today
    )
    values = change_values(
        kind,
        subdistrict=subdistrict,
        neighbourhood=neighbourhood,
        post=post,
        grade=grade,
        leave_kind=leave_kind,
    )
    if kind in (ChangeKind.TRANSFER, ChangeKind.REHIRED) and subdistrict is not None:
        if neighbourhood is not None and neighbourhood.subdistrict_id != subdistrict.pk:
            errors.setdefault("neighbourhood", []).append(_("该居委会不属于所选街道（镇）。"))
        if not manages_subdistrict(actor, subdistrict.pk):
            errors.setdefault("subdistrict", []).append(_("调往其他街道（镇）须由区管理员办理。"))
    elif kind == ChangeKind.TRANSFER:
        errors.setdefault("subdistrict", []).append(_("请选择调往的街道（镇）。"))
    if errors:
        raise ValidationError(errors)
    plan = plan_change(
        periods,
        effective_on=effective_on,
        kind=kind,
        values=values,
        reason=reason.strip(),
        document_no=document_no.strip(),
        actor=actor,
    )
    apply_plans([plan])
    sync_current([locked], today=today)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=_audit_changes(plan, kind, effective_on, reason, document_no),
    )
    trainee.refresh_from_db()
    return trainee


def _label(name: str, value: Any) -> Any:
    from neighbourhoods.models import Neighbourhood, Subdistrict

    from .models import CareerGrade, LeaveKind, Post

    if value in (None, ""):
        return None
    if name == "subdistrict_id":
        return Subdistrict.objects.filter(pk=value).values_list("name", flat=True).first()
    if name == "neighbourhood_id":
        return Neighbourhood.objects.filter(pk=value).values_list("name", flat=True).first()
    if name == "grade_id":
        return CareerGrade.objects.filter(pk=value).values_list("name", flat=True).first()
    if name == "post":
        return str(Post(value).label)
    if name == "state":
        return str(EmploymentState(value).label)
    if name == "leave_kind":
        return str(LeaveKind(value).label)
    return value


def _audit_changes(
    plan: Plan, kind: str, effective_on: dt.date, reason: str, document_no: str
) -> dict[str, Any]:
    names = {
        "subdistrict_id": "subdistrict",
        "neighbourhood_id": "neighbourhood",
        "grade_id": "grade",
        "state": "status",
        "leave_kind": str(_("休假类别")),
    }
    changes: dict[str, Any] = {
        names.get(k, k): [_label(k, old), _label(k, new)] for k, (old, new) in plan.changed.items()
    }
    # Labels written here: these are not columns of the worker (audit.selectors shows them).
    changes[str(_("变动类型"))] = [None, str(ChangeKind(kind).label)]
    changes[str(_("生效日期"))] = [None, effective_on.isoformat()]
    if reason:
        changes[str(_("原因"))] = [None, reason]
    if document_no:
        changes[str(_("文号"))] = [None, document_no]
    return changes


def periods_of(trainee: Trainee, *, viewer: User | None = None) -> list[WorkerPeriod]:
    """The worker's periods in order. For a `viewer` who neither manages workers nor is the
    worker (a supervisor, the district leadership), the kind of leave (病假 is health
    information) and the reasons recorded are left out: they see 休假 and the dates only."""
    periods = list(
        trainee.periods.select_related("subdistrict", "neighbourhood", "grade").order_by(
            "starts_on"
        )
    )
    if viewer is not None and not sees_history_details(viewer, trainee):
        for period in periods:
            period.leave_kind = ""
            period.reason = ""
    return periods


def sees_history_details(viewer: User, trainee: Trainee) -> bool:
    return can_manage_workers(viewer) or (
        viewer.is_authenticated and trainee.user_id is not None and trainee.user_id == viewer.pk
    )
