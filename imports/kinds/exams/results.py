"""The exam results sheet: its columns, the spellings of levels and subjects, and scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import ExamYear, Level, Subject

from ...readers import CellError, cell_text, header_key, header_key_loose
from ..base import Column, Table

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


def score_cell(score: Decimal | None) -> object:
    if score is None:
        return _("缺考")
    return int(score) if score == score.to_integral_value() else float(score)


def score_text(score: Decimal | None) -> str:
    return _("缺考") if score is None else str(score_cell(score))
