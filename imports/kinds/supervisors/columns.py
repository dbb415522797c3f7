"""The two sheets' columns (the export's, so that an exported team comes back unchanged) and
the spellings their choice cells accept."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from neighbourhoods.models import HousingType
from supervisors.models import QualificationLevel, SupervisionMode, Supervisor

from ..base import Column, Table, choice_lookup

KINDS = choice_lookup(
    Supervisor.Kind, {"社工": "agency", "社会工作机构": "agency", "大学": "university"}
)
LEVELS = choice_lookup(
    QualificationLevel,
    {
        "助理": "assistant",
        "初级": "assistant",
        "中级": "intermediate",
        "高级": "senior",
        "": "none",
    },
)
MODES = choice_lookup(SupervisionMode, {"师徒": "mentor", "师徒制": "mentor", "训练": "drill"})
HOUSING = choice_lookup(HousingType)

TEAM = (
    Column(
        "username",
        gettext_lazy("登录账号"),
        ("账号", "用户名", "username"),
        help=gettext_lazy("已有督导师的登录账号，用于准确匹配；新督导师留空"),
        width=12,
    ),
    Column("name", gettext_lazy("姓名"), ("督导师姓名", "name"), required=True, width=10),
    Column("kind", gettext_lazy("来源"), ("类别", "kind"), options="kind", width=12),
    Column(
        "organisation", gettext_lazy("所在机构"), ("机构", "工作单位", "organisation"), width=22
    ),
    Column(
        "qualification",
        gettext_lazy("职业水平"),
        ("职业资格", "证书等级", "qualification"),
        options="qualification",
        width=14,
    ),
    Column(
        "home_subdistrict",
        gettext_lazy("所属街道（镇）"),
        ("街道（镇）", "街道", "home subdistrict"),
        required=True,
        options="subdistrict",
        width=14,
    ),
    Column(
        "capacity",
        gettext_lazy("带教容量"),
        ("容量", "capacity"),
        help=gettext_lazy("留空为 10 人"),
        width=8,
    ),
    Column(
        "specialties",
        gettext_lazy("擅长住房类型"),
        ("擅长", "specialties"),
        help=gettext_lazy("可填多个，用“、”分隔"),
        width=22,
    ),
    Column("is_active", gettext_lazy("在任"), ("是否在任", "active"), options="yes_no", width=6),
    Column(
        "id_number",
        gettext_lazy("身份证号"),
        ("身份证号码", "id number"),
        help=gettext_lazy("来源为社区工作者时填写，用于关联其档案"),
        width=21,
    ),
)
PAIRS = (
    Column(
        "supervisor_username",
        gettext_lazy("督导师账号"),
        ("督导师登录账号", "supervisor username"),
        help=gettext_lazy("督导师重名时用于区分"),
        width=12,
    ),
    Column(
        "supervisor", gettext_lazy("督导师"), ("督导师姓名", "supervisor"), required=True, width=10
    ),
    Column(
        "supervisor_home",
        gettext_lazy("督导师所属街道（镇）"),
        ("supervisor subdistrict",),
        options="subdistrict",
        help=gettext_lazy("督导师重名时用于区分"),
        width=16,
    ),
    Column(
        "trainee_id_number",
        gettext_lazy("社区工作者身份证号"),
        ("学员身份证号", "worker id number"),
        required=True,
        width=21,
    ),
    Column(
        "trainee_name",
        gettext_lazy("社区工作者姓名"),
        ("学员姓名", "worker name"),
        read_only=True,
        help=gettext_lazy("便于核对，导入时不读取"),
        width=10,
    ),
    Column(
        "mode", gettext_lazy("督导方式"), ("方式", "mode"), required=True, options="mode", width=10
    ),
    Column(
        "started_on",
        gettext_lazy("开始日期"),
        ("started on",),
        is_date=True,
        help=gettext_lazy("留空为导入当天"),
        width=12,
    ),
)

TEAM_TABLE = Table("supervisors", gettext_lazy("督导师"), TEAM)
PAIRS_TABLE = Table("pairings", gettext_lazy("督导关系"), PAIRS)
