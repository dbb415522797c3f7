"""The assessment results sheet: its columns and the words offices use for the results."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from trainees.assessments.models import AssessmentResult

from ...readers import header_key
from ..base import Column, Table, choice_lookup

RESULTS = Table(
    key="assessments",
    title=gettext_lazy("年度考核结果"),
    columns=(
        Column(
            "id_number",
            gettext_lazy("身份证号"),
            ("身份证号码", "公民身份号码", "身份证", "证件号码", "id number", "id no"),
            required=True,
            width=21,
        ),
        Column(
            "name",
            gettext_lazy("姓名"),
            ("name", "人员姓名"),
            help=gettext_lazy("与名册中的姓名核对"),
            width=10,
        ),
        Column(
            "year",
            gettext_lazy("考核年度"),
            ("年度", "考核年份", "年份", "year"),
            required=True,
            options="year",
            help=gettext_lazy("须是区里已发起的年度考核"),
            width=10,
        ),
        Column(
            "result",
            gettext_lazy("考核结果"),
            ("考核等次", "考核等级", "等次", "结果", "result"),
            required=True,
            options="result",
            help=gettext_lazy("留空的行不导入，已录入的结果保持不变"),
            width=12,
        ),
        Column("note", gettext_lazy("备注"), ("说明", "note"), width=24),
        Column(
            "subdistrict",
            gettext_lazy("考核街道（镇）"),
            ("街道（镇）", "街道", "subdistrict"),
            help=gettext_lazy("导出时填写，导入时不读取（由该年度的在册记录决定）"),
            read_only=True,
            width=14,
        ),
    ),
)
COLUMNS = {column.key: column for column in RESULTS.columns}
COLUMN_ORDER = {column.key: i for i, column in enumerate(RESULTS.columns)}

# The civil-service words (公务员考核: 优秀、称职、基本称职、不称职、不定等次) and other
# spellings offices use, beyond the results' own labels.
RESULT_SYNONYMS: dict[str, str] = {
    "称职": AssessmentResult.COMPETENT,
    "基本称职": AssessmentResult.BASIC,
    "不称职": AssessmentResult.INCOMPETENT,
    "不定等次": AssessmentResult.UNDETERMINED,
    "不确定": AssessmentResult.UNDETERMINED,
    "未定等次": AssessmentResult.UNDETERMINED,
}


def result_spellings() -> dict[str, str]:
    """Spelling (header_key) -> result code; a label always reads as itself."""
    spellings = {header_key(k): v for k, v in RESULT_SYNONYMS.items()}
    spellings.update(choice_lookup(AssessmentResult))
    return spellings
