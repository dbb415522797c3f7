"""The exams kind: match each result to a worker in scope, plan the sittings, record them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import scope_by_subdistrict
from accounts.models import User
from certification.models import ExamYear, Level, Subject, SubjectResult
from certification.services import attempt_record
from trainees.identity import id_number_mask, id_number_normalise
from trainees.models import Trainee
from trainees.pii import id_number_hash
from trainees.selectors import trainee_scope

from ...readers import CellError, cell_text, header_key, header_key_loose, parse_id_number_cell
from ..base import ImportKindBase, MappedSheet, Plan, Progress, no_progress
from .results import RESULTS, Lookups, parse_score, score_cell, score_text

CHUNK = 2000


@dataclass
class ExamsPayload:
    # (trainee id, exam year id, level id) -> {subject id: score}: the sittings to record.
    sittings: dict[tuple[int, int, int], dict[int, Decimal | None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    trainees: dict[int, Trainee] = field(default_factory=dict)
    years: dict[int, ExamYear] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


class ExamsKind(ImportKindBase):
    code = "exams"
    label = gettext_lazy("考试成绩")
    tables = (RESULTS,)

    # --- template and export -----------------------------------------------------------------

    def options(self, user: User) -> dict[str, list[str]]:
        subjects = Subject.objects.order_by("level__rank", "order", "pk")
        return {
            "year": [
                str(y) for y in ExamYear.objects.order_by("-year").values_list("year", flat=True)
            ],
            "level": list(Level.objects.order_by("rank").values_list("name", flat=True)),
            "subject": list(dict.fromkeys(subjects.values_list("name", flat=True))),
            "yes_no": [_("是"), _("否")],
        }

    def example_rows(self, user: User) -> dict[str, list[object]]:
        subject = Subject.objects.select_related("level").order_by("level__rank", "order").first()
        year = ExamYear.objects.order_by("-year").first()
        return {
            "results": [
                "310105199005170028",
                _("张晓燕（示例）"),
                year.year if year else 2025,
                subject.level.name if subject else _("助理社会工作师"),
                subject.name if subject else _("社会工作综合能力（初级）"),
                72,
                _("是"),
            ]
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        full = user.sees_full_id_numbers
        results = (
            SubjectResult.objects.filter(attempt__trainee__in=trainee_scope(user))
            .select_related("attempt__trainee", "attempt__exam_year", "attempt__level", "subject")
            .order_by(
                "attempt__exam_year__year",
                "attempt__level__rank",
                "attempt__trainee__name",
                "attempt__trainee_id",
                "subject__order",
                "pk",
            )
        )
        rows = (
            [
                r.attempt.trainee.id_number
                if full
                else id_number_mask(r.attempt.trainee.id_number),
                r.attempt.trainee.name,
                r.attempt.exam_year.year,
                r.attempt.level.name,
                r.subject.name,
                score_cell(r.score),
                _("是") if r.passed else _("否"),
            ]
            for r in results.iterator(chunk_size=2000)
        )
        return {"results": rows}

    # --- plan ----------------------------------------------------------------------------------

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        plan = Plan(payload=ExamsPayload())
        payload: ExamsPayload = plan.payload
        lookups = Lookups.load()
        rows = [(sheet, number, row) for sheet in sheets for number, row in sheet.rows]
        plan.rows = len(rows)
        trainees = self._trainees(rows, actor)
        current = self._current_scores(trainees)
        seen: dict[tuple[int, int, int, int], tuple[str, int]] = {}
        for i, (sheet, number, row) in enumerate(rows):
            if i % 500 == 0:
                progress(i, len(rows))
            errors: list[tuple[str, str]] = []
            trainee = self._trainee(row, trainees, errors)
            if trainee is not None and "name" in sheet.headers:
                name = header_key(cell_text(row.get("name")))
                if name and name != header_key(trainee.name):
                    # The roster's name is shown: the worker is in the actor's scope.
                    errors.append(
                        (
                            "name",
                            _("姓名与名册不符：该身份证号登记的是“%(name)s”。")
                            % {"name": trainee.name},
                        )
                    )
            exam_year = self._year(row, lookups, errors)
            level = lookups.levels.get(header_key(cell_text(row.get("level"))))
            if level is None:
                errors.append(
                    (
                        "level",
                        _("级别应为：%(allowed)s。") % {"allowed": "、".join(lookups.level_names)},
                    )
                )
            subject = None
            if level is not None:
                text = cell_text(row.get("subject"))
                subject = lookups.subjects.get(
                    (level.pk, header_key(text))
                ) or lookups.subjects.get((level.pk, header_key_loose(text)))
                if subject is None:
                    allowed = "、".join(lookups.subject_names[level.pk])
                    errors.append(
                        (
                            "subject",
                            _("“%(value)s”不是%(level)s的考试科目，应为：%(allowed)s。")
                            % {"value": text[:30], "level": level.name, "allowed": allowed},
                        )
                    )
            score = None
            if subject is not None:
                try:
                    score = parse_score(row.get("score"), subject)
                except CellError as exc:
                    errors.append(("score", str(exc)))
            if trainee is not None and exam_year is not None and subject is not None:
                key = (trainee.pk, exam_year.pk, subject.level_id, subject.pk)
                earlier = seen.get(key)
                if earlier is not None:
                    errors.append(
                        (
                            "subject",
                            _("与“%(sheet)s”第 %(row)d 行重复（同一人、同一年度、同一科目）。")
                            % {"sheet": earlier[0], "row": earlier[1]},
                        )
                    )
                else:
                    seen[key] = (sheet.sheet, number)
            if errors:
                for key, message in errors:
                    plan.errors.append(sheet.error(number, key, message, row.get(key)))
                continue
            sitting = (trainee.pk, exam_year.pk, level.pk)
            before = current.get(sitting, {})
            if subject.pk not in before:
                plan.new += 1
            elif before[subject.pk] == score:
                plan.unchanged += 1
                continue
            else:
                plan.changed += 1
                plan.note_change(
                    sheet.sheet,
                    number,
                    trainee.name,
                    [
                        f"{exam_year.year} {subject.name}：{score_text(before[subject.pk])} → "
                        f"{score_text(score)}"
                    ],
                )
            payload.sittings[sitting][subject.pk] = score
            payload.trainees[trainee.pk] = trainee
            payload.years[exam_year.pk] = exam_year
            payload.levels[level.pk] = level
        progress(len(rows), len(rows))
        return plan

    @staticmethod
    def _trainees(rows: list[tuple[MappedSheet, int, dict]], actor: User) -> dict[str, Trainee]:
        """The workers named by the file that the actor may manage, by ID number."""
        ids = set()
        for _sheet, _number, row in rows:
            try:
                ids.add(id_number_normalise(parse_id_number_cell(row.get("id_number"))))
            except CellError:
                continue
        ids.discard("")
        ordered = sorted(ids)
        scope = scope_by_subdistrict(Trainee.objects.all(), actor)
        found: dict[str, Trainee] = {}
        for start in range(0, len(ordered), CHUNK):
            hashes = [id_number_hash(n) for n in ordered[start : start + CHUNK]]
            for trainee in scope.filter(id_number_hash__in=hashes):
                found[trainee.id_number] = trainee
        return found

    @staticmethod
    def _current_scores(
        trainees: dict[str, Trainee],
    ) -> dict[tuple[int, int, int], dict[int, Decimal | None]]:
        current: dict[tuple[int, int, int], dict[int, Decimal | None]] = defaultdict(dict)
        pks = sorted(t.pk for t in trainees.values())
        for start in range(0, len(pks), CHUNK):
            for trainee_id, year_id, level_id, subject_id, score in SubjectResult.objects.filter(
                attempt__trainee_id__in=pks[start : start + CHUNK]
            ).values_list(
                "attempt__trainee_id",
                "attempt__exam_year_id",
                "attempt__level_id",
                "subject_id",
                "score",
            ):
                current[(trainee_id, year_id, level_id)][subject_id] = score
        return current

    @staticmethod
    def _trainee(
        row: dict[str, object], trainees: dict[str, Trainee], errors: list[tuple[str, str]]
    ) -> Trainee | None:
        try:
            text = parse_id_number_cell(row.get("id_number"))
        except CellError as exc:
            errors.append(("id_number", str(exc)))
            return None
        if "*" in text:
            errors.append(
                ("id_number", _("证件号码已打码（含 *），无法识别人员；请填写完整的身份证号。"))
            )
            return None
        if not text.strip():
            errors.append(("id_number", _("证件号码不能为空。")))
            return None
        trainee = trainees.get(id_number_normalise(text))
        if trainee is None:
            # Also the answer for workers outside the actor's scope: nothing is revealed.
            errors.append(
                ("id_number", _("名册中没有该身份证号的社区工作者（或不在您的管理范围内）。"))
            )
        return trainee

    @staticmethod
    def _year(
        row: dict[str, object], lookups: Lookups, errors: list[tuple[str, str]]
    ) -> ExamYear | None:
        text = cell_text(row.get("year")).strip().removesuffix("年").removesuffix("年度")
        try:
            year = int(text)
        except ValueError:
            year = None
        exam_year = lookups.years.get(year) if year is not None else None
        if exam_year is None:
            errors.append(
                (
                    "year",
                    _("没有“%(value)s”年度的考试，可填：%(allowed)s（考试年度由区管理员维护）。")
                    % {
                        "value": cell_text(row.get("year"))[:10],
                        "allowed": "、".join(str(y) for y in sorted(lookups.years)),
                    },
                )
            )
        return exam_year

    # --- write ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        payload: ExamsPayload = plan.payload
        for (trainee_id, year_id, level_id), scores in sorted(payload.sittings.items()):
            attempt_record(
                trainee=payload.trainees[trainee_id],
                exam_year=payload.years[year_id],
                level=payload.levels[level_id],
                scores=scores,
                actor=actor,
            )
