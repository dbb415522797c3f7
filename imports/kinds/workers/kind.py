"""The workers kind: template, export, the plan of a roster and its write through the trainees
bulk service."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import scope_by_subdistrict
from accounts.models import User
from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.bulk import trainees_bulk_apply
from trainees.exports import roster_rows
from trainees.identity import id_check_char, id_number_normalise, mobile_mask
from trainees.models import (
    CareerGrade,
    Education,
    Gender,
    PoliticalStatus,
    Post,
    Trainee,
    TraineeStatus,
)
from trainees.pii import id_number_hash
from trainees.selectors import trainee_list

from ...readers import CellError, parse_id_number_cell
from ..base import (
    ImportKindBase,
    MappedSheet,
    Plan,
    Progress,
    RowError,
    choice_labels,
    format_value,
    no_progress,
)
from .columns import ATTRS, ROSTER
from .lookups import Lookups
from .rows import CheckedRow, RowChecker

CHUNK = 2000


@dataclass
class WorkersPayload:
    new: list[Trainee] = field(default_factory=list)
    changed: list[Trainee] = field(default_factory=list)
    # What the plan saw: ID number -> updated_at of matched workers; new ID numbers.
    seen: dict[str, dt.datetime] = field(default_factory=dict)
    new_ids: list[str] = field(default_factory=list)


class WorkersKind(ImportKindBase):
    code = "workers"
    label = gettext_lazy("社区工作者名册")
    tables = (ROSTER,)

    # --- template and export -----------------------------------------------------------------

    @staticmethod
    def _subdistricts(user: User) -> QuerySet[Subdistrict]:
        """The subdistricts a user's template offers: a subdistrict administrator's own."""
        return scope_by_subdistrict(Subdistrict.objects.order_by("code"), user, field="pk")

    def options(self, user: User) -> dict[str, list[str]]:
        subs = self._subdistricts(user)
        committees = Neighbourhood.objects.filter(subdistrict__in=subs).order_by(
            "subdistrict__code", "name"
        )
        return {
            "gender": choice_labels(Gender),
            "political_status": choice_labels(PoliticalStatus),
            "subdistrict": [s.name for s in subs],
            "neighbourhood": list(dict.fromkeys(nb.name for nb in committees)),
            "post": choice_labels(Post),
            "grade": list(CareerGrade.objects.order_by("level").values_list("name", flat=True)),
            "education": choice_labels(Education),
            "yes_no": [_("是"), _("否")],
            "status": choice_labels(TraineeStatus),
        }

    def example_rows(self, user: User) -> dict[str, list[object]]:
        subs = self._subdistricts(user)
        sub = subs.first()
        nb = sub.neighbourhoods.order_by("name").first() if sub else None
        grade = CareerGrade.objects.filter(level__gte=1).order_by("level").first()
        first17 = "31010519900517002"  # an even 17th digit: a woman
        return {
            "roster": [
                _("张晓燕（示例）"),
                str(Gender.FEMALE.label),
                dt.date(1990, 5, 17),
                first17 + id_check_char(first17),
                "13912345678",
                str(PoliticalStatus.MASSES.label),
                sub.name if sub else _("华阳路街道"),
                nb.name if nb else "",
                nb.get_housing_type_display() if nb else "",
                str(Post.GENERAL.label),
                grade.name if grade else "",
                str(Education.BACHELOR.label),
                _("社会工作"),
                _("是"),
                dt.date(2015, 7, 1),
                dt.date(2016, 3, 1),
                str(TraineeStatus.ACTIVE.label),
                "",
            ]
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        # Masked for all but the district (User.sees_full_identity): the birth date column is
        # left blank rather than holding an age, so that it stays a date column on import.
        rows = roster_rows(
            trainee_list(user=user), full=user.sees_full_identity, masked_birth="blank"
        )
        return {"roster": rows}

    # --- plan ----------------------------------------------------------------------------------

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        plan = Plan(payload=WorkersPayload())
        lookups = Lookups.load()
        rows = [(sheet, number, row) for sheet in sheets for number, row in sheet.rows]
        plan.rows = len(rows)
        # Per plan, not on the kind: the kind object is shared between requests.
        checker = RowChecker(lookups=lookups, existing=self._existing(rows), actor=actor)
        stood_in: Counter[tuple[str, str]] = Counter()
        for i, (sheet, number, row) in enumerate(rows):
            if i % 500 == 0:
                progress(i, len(rows))
            checked = checker.check(sheet, number, row)
            if checked.errors:
                self._report(plan, sheet, number, row, checked.errors)
                continue
            for key in checked.stood_in:
                stood_in[(sheet.sheet, key)] += 1
            self._plan_row(plan, sheet, number, checked, lookups)
        progress(len(rows), len(rows))
        plan.warnings.extend(self._stand_in_warnings(sheets, stood_in))
        return plan

    def _existing(self, rows: list[tuple[MappedSheet, int, dict]]) -> dict[str, Trainee]:
        ids = set()
        for _sheet, _number, row in rows:
            try:
                ids.add(id_number_normalise(parse_id_number_cell(row.get("id_number"))))
            except CellError:
                continue
        ids.discard("")
        ordered = sorted(ids)
        found: dict[str, Trainee] = {}
        for start in range(0, len(ordered), CHUNK):
            hashes = [id_number_hash(n) for n in ordered[start : start + CHUNK]]
            # Unordered: the model's default ordering would join subdistricts and committees.
            for t in Trainee.objects.order_by().filter(id_number_hash__in=hashes):
                found[t.id_number] = t
        return found

    def _plan_row(
        self, plan: Plan, sheet: MappedSheet, number: int, checked: CheckedRow, lookups: Lookups
    ) -> None:
        payload: WorkersPayload = plan.payload
        trainee, current, before = checked.trainee, checked.current, checked.before
        id_number = trainee.id_number
        if current is None:
            plan.new += 1
            payload.new.append(trainee)
            payload.new_ids.append(id_number)
            return
        payload.seen[id_number] = current.updated_at
        diff = [key for key in checked.values if getattr(trainee, ATTRS[key]) != before[key]]
        if not diff:
            plan.unchanged += 1
            return
        plan.changed += 1
        payload.changed.append(trainee)
        if len(plan.changes) < plan.CHANGE_SAMPLE:
            plan.note_change(
                sheet.sheet,
                number,
                trainee.name,
                [
                    f"{ROSTER.column(key).header}：{self._shown(key, before[key], lookups)} → "
                    f"{self._shown(key, getattr(trainee, ATTRS[key]), lookups)}"
                    for key in diff
                ],
            )

    @staticmethod
    def _stand_in_warnings(
        sheets: list[MappedSheet], stood_in: Counter[tuple[str, str]]
    ) -> list[RowError]:
        warnings = []
        for sheet in sheets:
            for key, stand_in in ROSTER.stand_ins:
                n = stood_in[(sheet.sheet, key)]
                if not n:
                    continue
                missing, present = ROSTER.column(key).header, sheet.headers[stand_in]
                warnings.append(
                    sheet.error(
                        sheet.header_row,
                        key,
                        _(
                            "文件中没有“%(missing)s”列：%(n)d 名新增人员的%(missing)s按“%(present)s”"
                            "填写，请核对；已有人员的%(missing)s保持不变。"
                        )
                        % {"missing": missing, "present": present, "n": n},
                        code="stand_in",
                    )
                )
        return warnings

    @staticmethod
    def _shown(key: str, value: object, lookups: Lookups) -> str:
        if value is None or value == "":
            return format_value(value)
        if key == "subdistrict":
            return next(
                (s.name for s in lookups.subdistricts.values() if s.pk == value), str(value)
            )
        if key == "neighbourhood":
            nb = lookups.committees_by_id.get(value)
            return nb.name if nb else str(value)
        if key == "grade":
            return next((g.name for g in lookups.grades.values() if g.pk == value), str(value))
        if key == "mobile":
            # The change sample is kept with the run and read by every administrator of it.
            return mobile_mask(str(value))
        if key in ("gender", "political_status", "post", "education", "status"):
            field_ = Trainee._meta.get_field(key)
            return str(dict(field_.flatchoices).get(value, value))
        return format_value(value)

    @staticmethod
    def _report(
        plan: Plan,
        sheet: MappedSheet,
        number: int,
        row: dict[str, object],
        errors: dict[str, list[str]],
    ) -> None:
        # In the order of the columns, whether a cell could not be read or broke a rule; the
        # whole-row answer ("") first. sheet.error names the column as the file wrote it, or
        # by the template's name for a rule on a column the file does not have (e.g. birth
        # date from the ID number).
        for key in sorted(errors, key=lambda k: _COLUMN_ORDER.get(k, len(_COLUMN_ORDER))):
            for message in errors[key]:
                plan.errors.append(sheet.error(number, key, message, row.get(key)))

    # --- write ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        payload: WorkersPayload = plan.payload
        self._check_unchanged_since_plan(payload)
        trainees_bulk_apply(creates=payload.new, updates=payload.changed, actor=actor, source=note)

    @staticmethod
    def _check_unchanged_since_plan(payload: WorkersPayload) -> None:
        # The plan was checked outside this transaction (so that progress could be shown);
        # if anyone changed or added one of these workers since, the checks no longer hold.
        by_hash = {id_number_hash(n): n for n in [*payload.seen, *payload.new_ids]}
        hashes = sorted(by_hash)
        moved = 0
        for start in range(0, len(hashes), CHUNK):
            for hashed, updated_at in (
                Trainee.objects.order_by()
                .filter(id_number_hash__in=hashes[start : start + CHUNK])
                .values_list("id_number_hash", "updated_at")
            ):
                if payload.seen.get(by_hash[hashed]) != updated_at:
                    moved += 1
        if moved:
            raise ValidationError(
                _("校验之后有 %(n)d 名社区工作者的档案被修改或新增，请重新上传预览。")
                % {"n": moved}
            )


_COLUMN_ORDER = {"": -1, **{column.key: i for i, column in enumerate(ROSTER.columns)}}
