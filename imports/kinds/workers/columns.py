"""The roster's columns (the roster export's, trainees/exports.py `roster_headers`, so that an
exported roster comes back unchanged) and how each maps onto the worker's record."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy

from trainees.models import PoliticalStatus, Post, Trainee, TraineeStatus

from ...models import SYNONYM_CHOICES
from ..base import Column, Table

ROSTER = Table(
    key="roster",
    title=gettext_lazy("名册"),
    columns=(
        Column("name", gettext_lazy("姓名"), ("name", "名字", "人员姓名"), required=True, width=10),
        Column("gender", gettext_lazy("性别"), ("gender", "sex"), options="gender", width=6),
        Column(
            "birth_date",
            gettext_lazy("出生日期"),
            ("出生年月日", "生日", "birth date", "date of birth"),
            is_date=True,
            width=12,
        ),
        Column(
            "id_number",
            gettext_lazy("身份证号"),
            ("身份证号码", "公民身份号码", "身份证", "证件号码", "id number", "id no"),
            required=True,
            width=21,
        ),
        Column(
            "mobile",
            gettext_lazy("手机号"),
            ("手机", "手机号码", "联系电话", "mobile", "phone"),
            width=13,
        ),
        Column(
            "political_status",
            gettext_lazy("政治面貌"),
            ("political status",),
            options="political_status",
            width=12,
        ),
        Column(
            "subdistrict",
            gettext_lazy("街道（镇）"),
            ("街道", "街镇", "所属街道", "subdistrict"),
            required=True,
            options="subdistrict",
            width=14,
        ),
        Column(
            "neighbourhood",
            gettext_lazy("居委会"),
            ("居民委员会", "居委", "所在居委会", "committee", "neighbourhood"),
            options="neighbourhood",
            help=gettext_lazy("留空表示在街道社区办工作"),
            width=16,
        ),
        Column(
            "housing_type",
            gettext_lazy("住房类型"),
            ("housing type",),
            read_only=True,
            help=gettext_lazy("由居委会决定，导入时不读取"),
            width=12,
        ),
        Column(
            "post", gettext_lazy("岗位"), ("职务", "post", "position"), options="post", width=12
        ),
        Column(
            "grade", gettext_lazy("岗位等级"), ("等级", "级别", "grade"), options="grade", width=10
        ),
        Column(
            "education",
            gettext_lazy("学历"),
            ("最高学历", "文化程度", "education"),
            required=True,
            options="education",
            width=10,
        ),
        Column("major", gettext_lazy("专业"), ("所学专业", "major"), width=14),
        Column(
            "major_is_social_work",
            gettext_lazy("社会工作专业"),
            ("是否社会工作专业", "社工专业", "social work major"),
            options="yes_no",
            width=8,
        ),
        Column(
            "started_community_work",
            gettext_lazy("从事社区工作日期"),
            ("从事社区工作时间", "参加社区工作时间", "社区工作起始日期", "started community work"),
            required=True,
            is_date=True,
            width=12,
        ),
        Column(
            "joined",
            gettext_lazy("入职日期"),
            ("入职时间", "到岗日期", "joined"),
            required=True,
            is_date=True,
            width=12,
        ),
        Column("status", gettext_lazy("状态"), ("在岗状态", "status"), options="status", width=10),
        Column(
            "left_on",
            gettext_lazy("离职日期"),
            ("离职时间", "left on"),
            is_date=True,
            help=gettext_lazy("仅“已离职”人员填写"),
            width=12,
        ),
    ),  # A roster may carry only one of the two dates (offices keep one or the other): the kind
    # reads it for both, with a warning.
    stand_ins=(("joined", "started_community_work"), ("started_community_work", "joined")),
)

# Model attribute compared and written for each column (foreign keys by id).
ATTRS = {
    "name": "name",
    "gender": "gender",
    "birth_date": "birth_date",
    "id_number": "id_number",
    "mobile": "mobile",
    "political_status": "political_status",
    "subdistrict": "subdistrict_id",
    "neighbourhood": "neighbourhood_id",
    "post": "post",
    "grade": "grade_id",
    "education": "education",
    "major": "major",
    "major_is_social_work": "major_is_social_work",
    "started_community_work": "started_community_work",
    "joined": "joined",
    "status": "status",
    "left_on": "left_on",
}
COLUMNS = {column.key: column for column in ROSTER.columns}
# Columns whose cells name a choice: read through the choice's code and labels and the
# district's synonyms (imports.models.Synonym, whose columns are these keys).
CHOICE_CLASSES: dict[str, type[TextChoices]] = {str(k): v for k, v in SYNONYM_CHOICES.items()}
# Columns whose parsed value depends only on the cell (and, for a committee, the subdistrict).
MEMO_KEYS = frozenset(
    {
        "gender",
        "birth_date",
        "political_status",
        "subdistrict",
        "neighbourhood",
        "post",
        "grade",
        "education",
        "major_is_social_work",
        "started_community_work",
        "joined",
        "status",
        "left_on",
    }
)
MAX_LENGTHS = {key: Trainee._meta.get_field(key).max_length for key in ("name", "major")}
# A blank optional cell: the value a new worker gets (an updated worker gets it too: the
# roster is the whole record).
BLANKS: dict[str, object] = {
    "gender": "",
    "birth_date": None,
    "mobile": "",
    "political_status": PoliticalStatus.MASSES,
    "neighbourhood": None,
    "post": Post.GENERAL,
    "grade": None,
    "major": "",
    "major_is_social_work": False,
    "status": TraineeStatus.ACTIVE,
    "left_on": None,
}
# The cells a rule reads, by the column its error is reported on: when one of them could not be
# read, the rule's verdict says nothing about the file and is left out (the cell's own error
# stands). Rules of trainees.services.trainee_rule_errors and trainee_status_errors.
RULE_INPUTS: dict[str, frozenset[str]] = {
    "id_number": frozenset({"id_number"}),
    "birth_date": frozenset({"birth_date", "id_number"}),
    "gender": frozenset({"gender", "id_number"}),
    "mobile": frozenset({"mobile"}),
    "neighbourhood": frozenset({"neighbourhood", "subdistrict"}),
    "subdistrict": frozenset({"subdistrict", "neighbourhood"}),
    "joined": frozenset({"joined", "started_community_work"}),
    "started_community_work": frozenset({"started_community_work", "birth_date", "id_number"}),
    "left_on": frozenset({"left_on", "status", "joined"}),
}
