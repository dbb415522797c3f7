"""The changes kind: template, export of the recorded changes, the plan of a list, its write."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import can_manage_workers, manages_subdistrict, scope_by_subdistrict
from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_event
from core.redact import redact_identifiers
from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.history import Plan as HistoryPlan
from trainees.history import apply_plans, sync_current
from trainees.identity import id_number_mask, id_number_normalise
from trainees.models import CareerGrade, ChangeKind, LeaveKind, Post, Trainee, WorkerPeriod
from trainees.pii import id_number_hash
from trainees.selectors import trainee_scope

from ...readers import CellError, parse_id_number_cell
from ..base import ImportKindBase, MappedSheet, Plan, Progress, choice_labels, no_progress
from ..workers.lookups import Lookups
from .columns import CHANGE_KINDS, CHANGES, COLUMN_ORDER, READ_BY
from .histories import Labels, fingerprint, plan_worker
from .rows import Entry, RowReader

CHUNK = 2000


@dataclass
class ChangesPayload:
    plans: dict[int, HistoryPlan] = field(default_factory=dict)  # worker id -> plan
    # Worker id -> their stored history as the plan read it (`fingerprint`).
    read: dict[int, tuple] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)  # the rows to write, in file order
    labels: Labels | None = None


class ChangesKind(ImportKindBase):
    code = "changes"
    label = gettext_lazy("人员变动")
    tables = (CHANGES,)

    # --- template and export -----------------------------------------------------------------

    @staticmethod
    def _subdistricts(user: User) -> QuerySet[Subdistrict]:
        # A subdistrict office moves workers within its own subdistrict only.
        return scope_by_subdistrict(Subdistrict.objects.order_by("code"), user, field="pk")

    def options(self, user: User) -> dict[str, list[str]]:
        subs = self._subdistricts(user)
        committees = Neighbourhood.objects.filter(subdistrict__in=subs).order_by(
            "subdistrict__code", "name"
        )
        return {
            "kind": [str(ChangeKind(k).label) for k in CHANGE_KINDS],
            "subdistrict": [s.name for s in subs],
            "neighbourhood": list(dict.fromkeys(nb.name for nb in committees)),
            "post": choice_labels(Post),
            "grade": list(CareerGrade.objects.order_by("level").values_list("name", flat=True)),
            "leave_kind": choice_labels(LeaveKind),
        }

    def example_rows(self, user: User) -> dict[str, list[object]]:
        sub = self._subdistricts(user).first()
        nb = sub.neighbourhoods.order_by("name").first() if sub else None
        return {
            "changes": [
                "310105199005170028",
                _("张晓燕（示例）"),
                str(ChangeKind.TRANSFER.label),
                dt.date(2026, 3, 1),
                sub.name if sub else _("华阳路街道"),
                nb.name if nb else "",
                "",
                "",
                "",
                _("工作需要"),
                _("长宁民〔2026〕1号"),
            ]
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        """The changes recorded for the workers this user manages, one row per change, in the
        template's columns: imported again, every row is already recorded (unchanged)."""
        full = user.sees_full_id_numbers
        periods = (
            WorkerPeriod.objects.filter(trainee__in=trainee_scope(user), change__in=CHANGE_KINDS)
            .select_related("trainee", "subdistrict", "neighbourhood", "grade")
            .order_by("trainee__name", "trainee_id", "starts_on")
        )

        def read(column: str, period: WorkerPeriod) -> bool:
            return period.change in READ_BY[column]

        rows = (
            [
                p.trainee.id_number if full else id_number_mask(p.trainee.id_number),
                p.trainee.name,
                p.get_change_display(),
                p.starts_on,
                p.subdistrict.name if read("subdistrict", p) else "",
                p.neighbourhood.name if read("neighbourhood", p) and p.neighbourhood else "",
                p.get_post_display() if read("post", p) else "",
                p.grade.name if read("grade", p) and p.grade else "",
                p.get_leave_kind_display() if read("leave_kind", p) else "",
                p.reason,
                p.document_no,
            ]
            for p in periods.iterator(chunk_size=2000)
        )
        return {"changes": rows}

    # --- plan ----------------------------------------------------------------------------------

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        payload = ChangesPayload()
        plan = Plan(payload=payload)
        rows = [(sheet, number, row) for sheet in sheets for number, row in sheet.rows]
        plan.rows = len(rows)
        lookups = Lookups.load()
        labels = payload.labels = Labels(lookups)
        reader = RowReader(lookups=lookups, trainees=self._trainees(rows, actor))
        entries = []
        for order, (sheet, number, row) in enumerate(rows):
            if order % 500 == 0:
                progress(order, len(rows))
            entries.append(reader.read(sheet, number, order, row))
        by_worker: dict[int, list[Entry]] = defaultdict(list)
        for entry in entries:
            if entry.trainee is not None:
                by_worker[entry.trainee.pk].append(entry)
        stored = self._periods(list(by_worker))
        today = timezone.localdate()
        for pk, worker_entries in by_worker.items():
            payload.read[pk] = fingerprint(stored[pk])
            history = plan_worker(
                worker_entries, stored[pk], actor=actor, lookups=lookups, today=today
            )
            if history is not None:
                payload.plans[pk] = history
        progress(len(rows), len(rows))
        for entry in entries:
            self._report(plan, entry)
            if entry.errors:
                continue
            if entry.recorded:
                plan.unchanged += 1
            else:
                plan.changed += 1
                payload.entries.append(entry)
                plan.note_change(
                    entry.sheet.sheet, entry.number, entry.trainee.name, labels.preview(entry)
                )
        return plan

    @staticmethod
    def _trainees(rows: list[tuple[MappedSheet, int, dict]], actor: User) -> dict[str, Trainee]:
        """The workers named by the file that the importer manages, by keyed hash of the ID
        number (one query per 2,000 numbers; no number is decrypted)."""
        hashes = set()
        for _sheet, _number, row in rows:
            try:
                number = id_number_normalise(parse_id_number_cell(row.get("id_number")))
            except CellError:
                continue
            if number:
                hashes.add(id_number_hash(number))
        ordered = sorted(hashes)
        # Unordered: the model's default ordering would join subdistricts and committees.
        scope = scope_by_subdistrict(Trainee.objects.order_by(), actor)
        found: dict[str, Trainee] = {}
        for start in range(0, len(ordered), CHUNK):
            for trainee in scope.filter(id_number_hash__in=ordered[start : start + CHUNK]):
                found[trainee.id_number_hash] = trainee
        return found

    @staticmethod
    def _periods(pks: list[int]) -> dict[int, list[WorkerPeriod]]:
        periods: dict[int, list[WorkerPeriod]] = {pk: [] for pk in pks}
        for start in range(0, len(pks), CHUNK):
            for period in WorkerPeriod.objects.filter(trainee_id__in=pks[start : start + CHUNK]):
                periods[period.trainee_id].append(period)
        return periods

    @staticmethod
    def _report(plan: Plan, entry: Entry) -> None:
        # Each row's errors in the order of the columns, the whole-row answer first.
        order = sorted(entry.errors, key=lambda k: COLUMN_ORDER.get(k, len(COLUMN_ORDER)))
        for key in order:
            for message in entry.errors[key]:
                plan.errors.append(
                    entry.sheet.error(entry.number, key, message, entry.row.get(key))
                )
        if entry.errors:
            return
        for key, messages in entry.warnings.items():
            for message in messages:
                plan.warnings.append(
                    entry.sheet.error(entry.number, key, message, entry.row.get(key))
                )

    # --- write ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        """Every worker's plan at once (`apply_plans`), their own columns from the periods
        covering today (`sync_current`) and one audit event per row, as `history_change`
        records one per change: all in the import's transaction."""
        payload: ChangesPayload = plan.payload
        if not can_manage_workers(actor):
            raise PermissionDenied(_("您的角色不能修改社区工作者档案。"))
        pks = sorted(payload.plans)
        locked: dict[int, Trainee] = {}
        for start in range(0, len(pks), CHUNK):
            # history_change locks the worker; only the workers' own rows (of="self").
            query = Trainee.objects.order_by().select_for_update(of=("self",))
            locked.update(query.in_bulk(pks[start : start + CHUNK]))
        # The plan was made outside this transaction (so that progress could be shown): a
        # history changed since would be overwritten by plans made from the old one.
        now = self._periods(pks)
        moved = sum(1 for pk in pks if pk not in locked or fingerprint(now[pk]) != payload.read[pk])
        if moved:
            raise ValidationError(
                _("校验之后有 %(n)d 名社区工作者的履历被修改，未写入任何数据，请重新上传预览。")
                % {"n": moved}
            )
        if any(not manages_subdistrict(actor, t.subdistrict_id) for t in locked.values()):
            # Moved out of scope since the plan (a change dated ahead fell due): a failed run.
            raise ValidationError(_("只能管理本街道（镇）的社区工作者。"))
        apply_plans(payload.plans[pk] for pk in pks)
        sync_current([locked[pk] for pk in pks], today=timezone.localdate())
        source = redact_identifiers(note) if note else ""
        AuditEvent.objects.bulk_create(
            [
                audit_event(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=locked[entry.trainee.pk],
                    changes=payload.labels.audit_changes(entry, source),
                )
                for entry in payload.entries
            ],
            batch_size=1000,
        )
