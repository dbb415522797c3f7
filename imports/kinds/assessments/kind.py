"""The assessments kind: template, export of a round's results, the plan of a file, its write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import manages_subdistrict, scope_by_subdistrict
from accounts.models import User
from trainees.assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentRound,
    RoundStatus,
)
from trainees.assessments.selectors import round_placements
from trainees.assessments.services import Entry, results_set
from trainees.identity import id_number_mask, id_number_normalise, is_masked
from trainees.models import Trainee
from trainees.pii import id_number_hash
from trainees.selectors import period_scope

from ...readers import CellError, cell_text, header_key, parse_id_number_cell
from ..base import (
    ImportKindBase,
    MappedSheet,
    Plan,
    Progress,
    RowError,
    choice_labels,
    no_progress,
)
from .columns import COLUMN_ORDER, COLUMNS, RESULTS, result_spellings

CHUNK = 2000
NOTE_MAX = Assessment._meta.get_field("note").max_length


class _DryRun(Exception):
    """Raised inside the preview's savepoint to roll back what `results_set` wrote."""


@dataclass
class Row:
    sheet: MappedSheet
    number: int
    values: dict[str, object]
    trainee: Trainee | None = None
    round: AssessmentRound | None = None
    result: str = ""
    note: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.errors.append((key, message))


@dataclass
class AssessmentsPayload:
    # Round id -> the entries to hand to results_set (changed or new results only).
    entries: dict[int, list[Entry]] = field(default_factory=dict)
    rounds: dict[int, AssessmentRound] = field(default_factory=dict)


class AssessmentsKind(ImportKindBase):
    code = "assessments"
    label = gettext_lazy("年度考核结果")
    tables = (RESULTS,)

    # --- template and export -----------------------------------------------------------------

    def options(self, user: User) -> dict[str, list[str]]:
        years = AssessmentRound.objects.order_by("-year").values_list("year", flat=True)
        return {"year": [str(y) for y in years], "result": choice_labels(AssessmentResult)}

    def example_rows(self, user: User) -> dict[str, list[object]]:
        round_ = AssessmentRound.objects.order_by("-year").first()
        return {
            "assessments": [
                "310105199005170028",
                _("张晓燕（示例）"),
                round_.year if round_ else 2025,
                str(AssessmentResult.COMPETENT.label),
                "",
                "",
            ]
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        """Every round's results this user's office entered (the district: all), and for the
        rounds still open the workers without a result, with a blank result: imported again,
        every row is unchanged."""
        full = user.sees_full_id_numbers
        entered = (
            scope_by_subdistrict(Assessment.objects.all(), user)
            .select_related("trainee", "round", "subdistrict")
            .order_by("-round__year", "subdistrict__code", "trainee__name", "trainee_id")
        )

        def id_text(trainee: Trainee) -> str:
            return trainee.id_number if full else id_number_mask(trainee.id_number)

        def rows() -> Iterable[list[object]]:
            for a in entered.iterator(chunk_size=CHUNK):
                yield [
                    id_text(a.trainee),
                    a.trainee.name,
                    a.round.year,
                    a.get_result_display(),
                    a.note,
                    a.subdistrict.name,
                ]
            for round_ in AssessmentRound.objects.filter(status=RoundStatus.OPEN).order_by("-year"):
                missing = (
                    round_placements(round_.year, period_scope(user))
                    .exclude(trainee__assessments__round=round_)
                    .select_related("trainee", "subdistrict")
                    .order_by("subdistrict__code", "trainee__name", "trainee_id")
                )
                for p in missing.iterator(chunk_size=CHUNK):
                    yield [
                        id_text(p.trainee),
                        p.trainee.name,
                        round_.year,
                        "",
                        "",
                        p.subdistrict.name,
                    ]

        return {"assessments": rows()}

    # --- plan ----------------------------------------------------------------------------------

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        plan = Plan(payload=AssessmentsPayload())
        payload: AssessmentsPayload = plan.payload
        rows = [Row(sheet, number, values) for sheet in sheets for number, values in sheet.rows]
        plan.rows = len(rows)
        rounds = {r.year: r for r in AssessmentRound.objects.all()}
        spellings = result_spellings()
        trainees = self._trainees(rows)
        for row in rows:
            self._read(row, rounds, spellings, trainees)
        progress(len(rows) // 3, len(rows))
        years = {row.round.year for row in rows if row.round is not None and row.trainee}
        placed = self._placements(rows, years)
        existing = self._existing(rows)
        seen: dict[tuple[int, int], Row] = {}
        by_worker: dict[tuple[int, int], Row] = {}  # (round id, trainee id) -> its row
        for row in rows:
            if row.trainee is not None:
                # A worker is named only if the actor's office manages them now or placed them
                # in the row's year; any other reads as unknown, as a number not in the roster
                # does, whatever else is wrong with the row (no answer tells them apart).
                here = placed.get((row.round.year, row.trainee.pk)) if row.round else None
                if not (
                    manages_subdistrict(actor, row.trainee.subdistrict_id)
                    or (here is not None and manages_subdistrict(actor, here))
                ):
                    row.error("id_number", _unknown_message())
                    row.trainee = None
                else:
                    self._cross_check_name(row)
            if row.trainee is not None and row.round is not None:
                key = (row.round.pk, row.trainee.pk)
                earlier = seen.setdefault(key, row)
                if earlier is not row:
                    row.error(
                        "year",
                        _("与“%(sheet)s”第 %(row)d 行重复（同一人、同一年度）。")
                        % {"sheet": earlier.sheet.sheet, "row": earlier.number},
                    )
            if row.errors or row.trainee is None or row.round is None:
                continue
            old = existing.get((row.round.pk, row.trainee.pk))
            if not row.result:
                plan.unchanged += 1
                if old is not None:
                    plan.warnings.append(
                        row.sheet.error(
                            row.number,
                            "result",
                            _("考核结果为空：已录入的“%(result)s”保持不变。")
                            % {"result": old.get_result_display()},
                        )
                    )
                continue
            here = placed.get((row.round.year, row.trainee.pk))
            if old is not None and (old.result, old.note, old.subdistrict_id) == (
                row.result,
                row.note,
                here,
            ):
                plan.unchanged += 1
                continue
            if old is None:
                plan.new += 1
            else:
                plan.changed += 1
                fields = [
                    _("%(year)s 年考核结果：%(old)s → %(new)s")
                    % {
                        "year": row.round.year,
                        "old": old.get_result_display(),
                        "new": AssessmentResult(row.result).label,
                    }
                ]
                if old.note != row.note:
                    fields.append(_("备注：%(old)s → %(new)s") % {"old": old.note, "new": row.note})
                plan.note_change(row.sheet.sheet, row.number, row.trainee.name, fields)
            payload.rounds[row.round.pk] = row.round
            payload.entries.setdefault(row.round.pk, []).append(
                Entry(trainee_id=row.trainee.pk, result=row.result, note=row.note)
            )
            by_worker[(row.round.pk, row.trainee.pk)] = row
        progress(2 * len(rows) // 3, len(rows))
        self._ask_the_service(plan, by_worker, actor, rows)
        for row in rows:
            # Each row's errors in the order of its columns.
            for key, message in sorted(row.errors, key=lambda e: COLUMN_ORDER[e[0]]):
                plan.errors.append(row.sheet.error(row.number, key, message, row.values.get(key)))
        progress(len(rows), len(rows))
        return plan

    def _read(
        self,
        row: Row,
        rounds: dict[int, AssessmentRound],
        spellings: dict[str, str],
        trainees: dict[str, Trainee],
    ) -> None:
        """Every cell of the row, so that one preview lists all of its errors."""
        try:
            text = parse_id_number_cell(row.values.get("id_number"))
        except CellError as exc:
            row.error("id_number", str(exc))
            text = None
        if text is not None:
            number = id_number_normalise(text)
            if is_masked(text):
                row.error(
                    "id_number", _("身份证号已打码（含 *），无法识别人员；请填写完整的身份证号。")
                )
            elif not number:
                row.error("id_number", _("身份证号不能为空。"))
            else:
                row.trainee = trainees.get(id_number_hash(number))
                if row.trainee is None:
                    row.error("id_number", _unknown_message())
        year_text = cell_text(row.values.get("year")).strip()
        year_text = year_text.removesuffix("年度").removesuffix("年")
        try:
            row.round = rounds.get(int(float(year_text))) if year_text else None
        except ValueError:
            row.round = None
        if row.round is None:
            allowed = "、".join(str(y) for y in sorted(rounds)) or _("（尚未发起）")
            row.error(
                "year",
                _("“%(value)s”年度没有发起考核，可填：%(allowed)s（年度考核由区管理员发起）。")
                % {"value": cell_text(row.values.get("year"))[:10], "allowed": allowed}
                if year_text
                else _("考核年度不能为空。"),
            )
        result_text = cell_text(row.values.get("result")).strip()
        if result_text:
            code = spellings.get(header_key(result_text))
            if code is None:
                row.error(
                    "result",
                    _("“%(value)s”不是有效的考核结果，可填：%(allowed)s。")
                    % {
                        "value": result_text[:20],
                        "allowed": "、".join(choice_labels(AssessmentResult)),
                    },
                )
            else:
                row.result = code
        row.note = cell_text(row.values.get("note")).strip()
        if len(row.note) > NOTE_MAX:
            row.error(
                "note",
                _("%(column)s不能超过 %(max)d 个字，当前 %(n)d 个。")
                % {"column": COLUMNS["note"].header, "max": NOTE_MAX, "n": len(row.note)},
            )

    @staticmethod
    def _cross_check_name(row: Row) -> None:
        name = header_key(cell_text(row.values.get("name")))
        if row.trainee is not None and name and name != header_key(row.trainee.name):
            # The worker is in the importer's scope: naming the record's name tells nothing new.
            row.error(
                "name",
                _("姓名与名册不符：该身份证号登记的是“%(name)s”。") % {"name": row.trainee.name},
            )

    @staticmethod
    def _trainees(rows: list[Row]) -> dict[str, Trainee]:
        """The workers named by the file, by keyed hash of the ID number (one query per 2,000
        numbers). Whom the importer may name is decided per row and year by `plan`."""
        hashes = set()
        for row in rows:
            try:
                number = id_number_normalise(parse_id_number_cell(row.values.get("id_number")))
            except CellError:
                continue
            if number and not is_masked(number):
                hashes.add(id_number_hash(number))
        ordered = sorted(hashes)
        found: dict[str, Trainee] = {}
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            for trainee in Trainee.objects.order_by().filter(id_number_hash__in=chunk):
                found[trainee.id_number_hash] = trainee
        return found

    @staticmethod
    def _placements(rows: list[Row], years: set[int]) -> dict[tuple[int, int], int]:
        """(year, worker id) -> the subdistrict that assesses the worker that year."""
        placed: dict[tuple[int, int], int] = {}
        for year in sorted(years):
            pks = sorted(
                {r.trainee.pk for r in rows if r.trainee and r.round and r.round.year == year}
            )
            for start in range(0, len(pks), CHUNK):
                for trainee_id, subdistrict_id in (
                    round_placements(year)
                    .filter(trainee_id__in=pks[start : start + CHUNK])
                    .values_list("trainee_id", "subdistrict_id")
                ):
                    placed[(year, trainee_id)] = subdistrict_id
        return placed

    @staticmethod
    def _existing(rows: list[Row]) -> dict[tuple[int, int], Assessment]:
        pks = sorted({r.trainee.pk for r in rows if r.trainee is not None})
        rounds = sorted({r.round.pk for r in rows if r.round is not None})
        found: dict[tuple[int, int], Assessment] = {}
        for start in range(0, len(pks), CHUNK):
            for a in Assessment.objects.filter(
                round_id__in=rounds, trainee_id__in=pks[start : start + CHUNK]
            ):
                found[(a.round_id, a.trainee_id)] = a
        return found

    @staticmethod
    def _ask_the_service(
        plan: Plan, by_worker: dict[tuple[int, int], Row], actor: User, rows: list[Row]
    ) -> None:
        """Each round's entries through `results_set` in a savepoint rolled back: its refusals
        — a worker not on the books that year or another office's, the lock, the 优秀 quota —
        become the rows' errors, or the file's when they name no worker."""
        payload: AssessmentsPayload = plan.payload
        sheet = rows[0].sheet.sheet if rows else ""
        for round_id, entries in sorted(payload.entries.items()):
            round_ = payload.rounds[round_id]
            try:
                with transaction.atomic():
                    results_set(round_=round_, entries=entries, actor=actor)
                    raise _DryRun
            except _DryRun:
                continue
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for key, messages in errors.items():
                    row = by_worker.get((round_id, int(key))) if key.isdigit() else None
                    for message in messages:
                        if row is not None:
                            row.error("result", message)
                        else:
                            _file_error(plan, sheet, round_, message)

    # --- write ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        """Each round's results through `results_set`, which checks scope, lock and quota again
        under the round's row lock; inside the import's transaction: every round or none."""
        payload: AssessmentsPayload = plan.payload
        for round_id, entries in sorted(payload.entries.items()):
            results_set(round_=payload.rounds[round_id], entries=entries, actor=actor)


def _unknown_message() -> str:
    # Also the answer for workers outside the importer's scope: nothing is revealed.
    return _("名册中没有该身份证号的社区工作者（或不在您的管理范围内）。")


def _file_error(plan: Plan, sheet: str, round_: AssessmentRound, message: str) -> None:
    # The lock and the 优秀 quota are the round's or a subdistrict's, not one row's.
    plan.errors.append(
        RowError(
            sheet,
            None,
            str(COLUMNS["result"].header),
            _("%(year)s 年度：%(message)s") % {"year": round_.year, "message": message},
            code="service",
        )
    )
