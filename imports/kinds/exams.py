"""Kind 4: exam results (职业水平考试成绩) as the exam authority publishes them.

The authority's result lists have one row per candidate and subject: 姓名, 证件号码, 级别,
科目, 成绩, 是否合格. This kind reads that layout, plus the exam year (the lists are published
per year, so a district file that gathers several years needs it). A worker is found by ID
number; the name is a cross-check against the roster, because a mistyped ID number that
happens to be valid would otherwise record someone else's results. Levels and subjects are
rows an administrator edits (certification/models.py), so their accepted spellings are derived
from the names: the full name, the name without the level in brackets, and without the
"社会工作" prefix (the authority writes "综合能力" under the level "中级").

Whether a subject passed is decided by the subject's pass mark in Dudao, not read from the
file (是否合格 is shown in exports for the reader). The writes go through
`certification.services.attempt_record`, one call per worker, year and level, which scopes the
change to the actor, replaces the scores of the subjects given and creates the certificate
once every subject of the level is passed within its window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from certification.models import ExamYear, Level, Subject, SubjectResult
from certification.services import attempt_record
from trainees.identity import id_number_mask, id_number_normalise
from trainees.models import Trainee
from trainees.pii import id_number_hash
from trainees.selectors import trainee_scope

from ..readers import CellError, cell_text, header_key, header_key_loose, parse_id_number_cell
from .base import Column, ImportKindBase, MappedSheet, Plan, Progress, Table, no_progress

CHUNK = 2000

# Spellings the authority and offices use for the levels, beyond the levels' own names.
LEVEL_SYNONYMS = {
    "assistant": ("助理", "初级", "助理社工师", "初级社会工作师"),
    "intermediate": ("中级", "社工师", "中级社会工作师"),
    "senior": ("高级", "高级社工师"),
}
ABSENT = {"缺考", "缺", "弃考", "-", "—", "/"}

RESULTS = Table(
    "results",
    gettext_lazy("考试成绩"),
    (
        Column(
            "id_number",
            gettext_lazy("证件号码"),
            ("身份证号", "身份证号码", "公民身份号码", "身份证", "id number"),
            required=True,
            width=21,
        ),
        Column(
            "name",
            gettext_lazy("姓名"),
            ("考生姓名", "name"),
            help=gettext_lazy("与名册中的姓名核对"),
            width=10,
        ),
        Column(
            "year",
            gettext_lazy("考试年度"),
            ("年度", "考试年份", "年份", "exam year", "year"),
            required=True,
            options="year",
            width=10,
        ),
        Column(
            "level",
            gettext_lazy("级别"),
            ("等级", "报考级别", "资格级别", "level"),
            required=True,
            options="level",
            width=16,
        ),
        Column(
            "subject",
            gettext_lazy("科目"),
            ("考试科目", "科目名称", "subject"),
            required=True,
            options="subject",
            width=26,
        ),
        Column(
            "score",
            gettext_lazy("成绩"),
            ("分数", "考试成绩", "score"),
            help=gettext_lazy("留空或填“缺考”表示缺考"),
            width=8,
        ),
        Column(
            "passed",
            gettext_lazy("是否合格"),
            ("合格", "passed"),
            read_only=True,
            options="yes_no",
            help=gettext_lazy("按科目合格分数线判定，导入时不读取"),
            width=10,
        ),
    ),
)


def _subject_spellings(subject: Subject) -> set[str]:
    names = {subject.name, subject.code}
    for name in list(names):
        names.add(header_key_loose(name))
        if name.startswith("社会工作") and len(name) > 4:
            names.add(name[4:])
            names.add(header_key_loose(name[4:]))
    return {header_key(n) for n in names if n}


@dataclass
class Lookups:
    years: dict[int, ExamYear]
    levels: dict[str, Level]
    # (level id, spelling) -> subject
    subjects: dict[tuple[int, str], Subject]
    level_names: list[str]
    subject_names: dict[int, list[str]]  # level id -> names in order

    @classmethod
    def load(cls) -> Lookups:
        levels: dict[str, Level] = {}
        for level in Level.objects.all():
            for spelling in (level.name, level.code, *LEVEL_SYNONYMS.get(level.code, ())):
                levels.setdefault(header_key(spelling), level)
        subjects: dict[tuple[int, str], Subject] = {}
        subject_names: dict[int, list[str]] = defaultdict(list)
        for subject in Subject.objects.order_by("level__rank", "order", "pk"):
            subject_names[subject.level_id].append(subject.name)
            for spelling in _subject_spellings(subject):
                subjects.setdefault((subject.level_id, spelling), subject)
        return cls(
            {y.year: y for y in ExamYear.objects.all()},
            levels,
            subjects,
            list(Level.objects.order_by("rank").values_list("name", flat=True)),
            subject_names,
        )


@dataclass
class ExamsPayload:
    # (trainee id, exam year id, level id) -> {subject id: score}: the sittings to record.
    sittings: dict[tuple[int, int, int], dict[int, Decimal | None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    trainees: dict[int, Trainee] = field(default_factory=dict)
    years: dict[int, ExamYear] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


def parse_score(value: object, subject: Subject) -> Decimal | None:
    """A score in 0..max with at most one decimal; blank or 缺考 means absent (None)."""
    text = cell_text(value).strip()
    if text == "" or text in ABSENT:
        return None
    try:
        score = Decimal(text.removesuffix("分"))
    except InvalidOperation:
        raise CellError(
            _("成绩应为数字（缺考可留空或填“缺考”），当前为“%(value)s”。") % {"value": text[:20]}
        ) from None
    if not score.is_finite() or not (0 <= score <= subject.max_score):
        raise CellError(
            _("%(subject)s 的成绩应在 0 到 %(max)s 之间，当前为 %(value)s。")
            % {"subject": subject.name, "max": subject.max_score, "value": text[:20]}
        )
    if score != score.quantize(Decimal("0.1")):
        raise CellError(_("成绩最多保留一位小数，当前为 %(value)s。") % {"value": text[:20]})
    return score.quantize(Decimal("0.1"))


def _score_cell(score: Decimal | None) -> object:
    if score is None:
        return _("缺考")
    return int(score) if score == score.to_integral_value() else float(score)


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
                _score_cell(r.score),
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
                        f"{exam_year.year} {subject.name}：{_score_text(before[subject.pk])} → "
                        f"{_score_text(score)}"
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
        scope = trainee_scope(actor) if actor.is_subdistrict_admin else Trainee.objects.all()
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


def _score_text(score: Decimal | None) -> str:
    return _("缺考") if score is None else str(_score_cell(score))
