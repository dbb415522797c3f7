"""Writes of many community workers at once: the roster import's path into the records.

A 100,000-row roster cannot go through `trainee_create` one worker at a time (three queries or
more per worker), so `trainees_bulk_apply` applies the same rules (`trainee_rule_errors`, the
status rules, `clean_fields`) to every worker in Python against rows loaded once, writes with
`bulk_create` / `bulk_update`, and records one audit event per worker created or changed with
one more `bulk_create`, all in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_diff, audit_event
from core.redact import redact_identifiers
from neighbourhoods.models import Neighbourhood, Subdistrict

from .history import Plan, apply_plans, initial_period, plan_columns, sync_current
from .identity import id_number_mask, id_number_normalise
from .models import CareerGrade, Trainee, WorkerPeriod
from .pii import id_number_hash
from .services import (
    AUDITED_FIELDS,
    _require_editor,
    trainee_rule_errors,
    trainee_status_errors,
)
from .signals import periods_changed

# Read by the rules and the audit snapshots: loaded once per call (`_Related`), never per worker.
_RELATIONS = ("subdistrict", "neighbourhood", "grade")
# `clean_fields` would look each related row up once per worker: the committee is checked by the
# rules against loaded rows, and every foreign key by the database when the rows are written.
_NOT_CLEANED = (*_RELATIONS, "user")
_ID_COLUMNS = ("id_number_encrypted", "id_number_hash", "id_number_tail")
_CHUNK = 2000


@dataclass(frozen=True)
class TraineesBulkResult:
    created: int
    updated: int
    unchanged: int


class _Related:
    """The subdistricts, grades and committees the workers point to, loaded in a few queries."""

    def __init__(self, trainees: Sequence[Trainee]) -> None:
        self.fields = {name: Trainee._meta.get_field(name) for name in _RELATIONS}
        committee = self.fields["neighbourhood"]
        ids = sorted(
            {
                t.neighbourhood_id
                for t in trainees
                if t.neighbourhood_id and not committee.is_cached(t)
            }
        )
        committees: dict[int, Neighbourhood] = {}
        for start in range(0, len(ids), _CHUNK):
            committees.update(Neighbourhood.objects.in_bulk(ids[start : start + _CHUNK]))
        self.objects: dict[str, dict[int, Any]] = {
            "subdistrict": Subdistrict.objects.in_bulk(),
            "grade": CareerGrade.objects.in_bulk(),
            "neighbourhood": committees,
        }

    def attach(self, trainee: Trainee) -> None:
        for name, field in self.fields.items():
            pk = getattr(trainee, field.attname)
            if pk is not None and not field.is_cached(trainee) and pk in self.objects[name]:
                field.set_cached_value(trainee, self.objects[name][pk])


def _stored_for_update(updates: Sequence[Trainee], actor: User) -> dict[int, Trainee]:
    """The workers as stored, locked until the transaction ends (PostgreSQL), each checked to be
    in the actor's scope and unchanged since the caller loaded it."""
    pks = sorted({t.pk for t in updates})
    stored: dict[int, Trainee] = {}
    for start in range(0, len(pks), _CHUNK):
        # No default ordering (it joins the committee, an outer join PostgreSQL cannot lock
        # FOR UPDATE), and only the workers' own rows are locked.
        locked = Trainee.objects.order_by().select_for_update(of=("self",))
        stored.update(locked.in_bulk(pks[start : start + _CHUNK]))
    moved = 0
    for trainee in updates:
        old = stored.get(trainee.pk)
        if old is None or old.updated_at != trainee.updated_at:
            # Changed or removed by someone else since the caller read it: writing the caller's
            # copy would undo that change without anyone seeing it.
            moved += 1
        elif actor.is_subdistrict_admin and old.subdistrict_id != actor.subdistrict_id:
            raise PermissionDenied(_("只能管理本街道（镇）的社区工作者。"))
    if moved:
        raise ValidationError(
            _("有 %(n)d 名社区工作者的档案在读取之后被修改，未写入任何数据，请重新读取后再保存。")
            % {"n": moved}
        )
    return stored


def _id_numbers_held(trainees: Sequence[Trainee]) -> dict[str, int]:
    """Keyed hash -> worker id, for the ID numbers these workers carry."""
    hashes = sorted({t.id_number_hash for t in trainees if t.id_number_hash})
    held: dict[str, int] = {}
    # Unordered: the model's default ordering would join subdistricts and committees.
    numbers = Trainee.objects.order_by().values_list("id_number_hash", "pk")
    for start in range(0, len(hashes), _CHUNK):
        held.update(numbers.filter(id_number_hash__in=hashes[start : start + _CHUNK]))
    return held


def _bulk_rule_errors(
    trainees: Sequence[Trainee], *, actor: User, related: _Related
) -> list[tuple[Trainee, dict[str, list[str]]]]:
    """`trainee_rule_errors`, the status rules and `clean_fields` for every worker, with the ID
    numbers held answered from one look-up and each number claimed once within the batch."""
    for trainee in trainees:
        # Normalised before the look-up, so that the hash looked up is the one stored.
        trainee.id_number = id_number_normalise(trainee.id_number)
    held = _id_numbers_held(trainees)
    claimed: dict[str, Trainee] = {}
    today = timezone.localdate()
    failed = []
    for trainee in trainees:
        related.attach(trainee)

        def taken(number: str, pk: int | None, trainee: Trainee = trainee) -> bool:
            hashed = id_number_hash(number)
            holder = held.get(hashed)
            first = claimed.setdefault(hashed, trainee)
            return (holder is not None and holder != pk) or first is not trainee

        errors = trainee_rule_errors(trainee, actor=actor, id_number_taken=taken)
        for key, messages in trainee_status_errors(trainee, today=today).items():
            errors.setdefault(key, []).extend(messages)
        try:
            trainee.clean_fields(exclude=_NOT_CLEANED)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
        if errors:
            failed.append((trainee, errors))
    return failed


class _Snapshots:
    """`audit_snapshot(worker, AUDITED_FIELDS)`'s values, for many workers at once.

    `audit_snapshot` reads a choice through `get_<field>_display`, which rebuilds the field's
    choices and translates every label on each call: for a 100,000-row roster that was more
    time than the rest of the write. Here each field's labels are translated once per call
    (in the language active, as there), and the rest is read as `audit_snapshot` reads it
    (tests/trainees/test_bulk.py holds the two to the same values).
    """

    def __init__(self) -> None:
        self.choices: dict[str, dict[str, str]] = {}
        self.relations: dict[str, str] = {}
        for name in AUDITED_FIELDS:
            if name == "id_number":
                continue
            field = Trainee._meta.get_field(name)
            if field.choices:
                self.choices[name] = {value: str(label) for value, label in field.flatchoices}
            elif field.is_relation:
                self.relations[name] = field.attname

    def values(self, trainee: Trainee, *, id_number: bool = True) -> dict[str, Any]:
        """The ID number masked; left out with id_number=False (stored numbers are compared
        by their keyed hash rather than decrypted, `update_changes`)."""
        values: dict[str, Any] = {}
        for name in AUDITED_FIELDS:
            if name == "id_number":
                if id_number:
                    values[name] = id_number_mask(trainee.id_number) if trainee.id_number else ""
                continue
            value = getattr(trainee, self.relations.get(name, name))
            if name in self.choices:
                value = self.choices[name].get(value, value) if value else ""
            elif name in self.relations:
                value = None if value is None else str(getattr(trainee, name))
            elif isinstance(value, dt.date):
                value = value.isoformat()
            values[name] = value
        return values

    def create_changes(self, trainee: Trainee) -> dict[str, list[Any]]:
        after = self.values(trainee)
        return audit_diff({}, {k: v for k, v in after.items() if v not in ("", None)})

    def update_changes(self, old: Trainee, new: Trainee) -> dict[str, list[Any]]:
        changes = audit_diff(self.values(old, id_number=False), self.values(new, id_number=False))
        if old.id_number_hash != new.id_number_hash:
            changes["id_number"] = [id_number_mask(old.id_number), id_number_mask(new.id_number)]
        return changes


_HISTORY_COLUMNS = ("subdistrict_id", "neighbourhood_id", "post", "grade_id", "status", "joined")


def _history_plans(
    changed: Sequence[Trainee], stored: dict[int, Trainee], actor: User
) -> dict[int, Plan]:
    """The history changes of the updated workers (trainees.history.plan_columns), effective
    today; leaving on the date left. Periods are read in one query per 2,000 workers."""
    moved = [
        t
        for t in changed
        if any(getattr(t, c) != getattr(stored[t.pk], c) for c in (*_HISTORY_COLUMNS, "left_on"))
    ]
    periods: dict[int, list[WorkerPeriod]] = {t.pk: [] for t in moved}
    pks = list(periods)
    for start in range(0, len(pks), _CHUNK):
        for period in WorkerPeriod.objects.filter(trainee_id__in=pks[start : start + _CHUNK]):
            periods[period.trainee_id].append(period)
    today = timezone.localdate()
    plans: dict[int, Plan] = {}
    for trainee in moved:
        old = stored[trainee.pk]
        columns = {c: getattr(old, c) for c in (*_HISTORY_COLUMNS, "left_on")}
        try:
            plan = plan_columns(
                periods[trainee.pk], old=columns, new=trainee, effective_on=today, actor=actor
            )
        except ValidationError as exc:
            messages = exc.messages
            raise ValidationError(
                _("%(name)s 的履历无法按导入的数据变更：%(message)s")
                % {"name": trainee.name, "message": messages[0]}
            ) from exc
        if plan is not None:
            plans[trainee.pk] = plan
    return plans


@transaction.atomic
def trainees_bulk_apply(
    *,
    creates: Sequence[Trainee],
    updates: Sequence[Trainee],
    actor: User,
    source: str = "",
) -> TraineesBulkResult:
    """Create and update many workers at once under the rules of `trainee_create`,
    `trainee_update` and the status services, with one audit event per worker created or changed.

    `creates` are new, unsaved workers; `updates` are workers loaded from the database with
    their new values set in memory, of which only the fields of AUDITED_FIELDS are written.
    What each updated worker held is read again here, under a row lock, and the trail records
    the difference from that; a worker changed by someone else since the caller loaded it (its
    `updated_at` moved) is not overwritten. If any worker breaks a rule, nothing is written and
    a ValidationError says how many did and why the first one failed. `source` (e.g. the
    imported file's name) is kept with each event. Queries come per batch of workers (2,000
    for the look-ups; inserts as many rows as the database takes in one statement), never
    per worker: the 100,000-row roster cannot afford `trainee_create`'s three per worker.
    """
    _require_editor(actor)
    stored = _stored_for_update(updates, actor) if updates else {}
    related = _Related([*creates, *updates, *stored.values()])
    failed = _bulk_rule_errors([*creates, *updates], actor=actor, related=related)
    if failed:
        trainee, errors = failed[0]
        raise ValidationError(
            _("%(n)d 名社区工作者不符合规则，未写入任何数据。第一处：%(name)s，%(message)s")
            % {"n": len(failed), "name": trainee.name, "message": next(iter(errors.values()))[0]}
        )
    # Kept with each event, masked: a file name can carry an ID number (core/redact.py).
    extra = {"source": redact_identifiers(source)} if source else {}
    snapshots = _Snapshots()
    events: list[AuditEvent] = []
    changed: list[Trainee] = []
    columns: set[str] = set()
    for trainee in updates:
        old = stored[trainee.pk]
        related.attach(old)
        changes = snapshots.update_changes(old, trainee)
        if changes:
            changed.append(trainee)
            columns.update(changes)
            events.append(
                audit_event(
                    actor=actor, action=AuditAction.UPDATE, obj=trainee, changes=changes | extra
                )
            )
    plans = _history_plans(changed, stored, actor)
    Trainee.objects.bulk_create(creates, batch_size=1000)  # sets the ids (RETURNING)
    first = WorkerPeriod.objects.bulk_create(
        [p for trainee in creates for p in initial_period(trainee, actor=actor)], batch_size=1000
    )
    if first:
        # bulk_create sends no post_save: figures kept from earlier counts hear it here.
        periods_changed.send(sender=WorkerPeriod, from_day=min(p.starts_on for p in first))
    for trainee in creates:
        events.append(
            audit_event(
                actor=actor,
                action=AuditAction.CREATE,
                obj=trainee,
                changes=snapshots.create_changes(trainee) | extra,
            )
        )
    if changed:
        if "id_number" in columns:
            columns = (columns - {"id_number"}) | set(_ID_COLUMNS)
        Trainee.objects.bulk_update(changed, sorted(columns), batch_size=1000)
        # bulk_update does not apply auto_now. One value for all: a plain UPDATE per chunk,
        # not a CASE branch per worker, which would double bulk_update's cost.
        now = timezone.now()
        pks = [trainee.pk for trainee in changed]
        for start in range(0, len(pks), _CHUNK):
            Trainee.objects.filter(pk__in=pks[start : start + _CHUNK]).update(updated_at=now)
        for trainee in changed:
            trainee.updated_at = now
    if plans:
        apply_plans(plans.values())
        sync_current([t for t in changed if t.pk in plans])
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return TraineesBulkResult(
        created=len(creates), updated=len(changed), unchanged=len(updates) - len(changed)
    )
