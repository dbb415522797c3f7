"""The change list's columns, and the spellings offices use for kinds of change and of leave."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from trainees.models import ChangeKind, LeaveKind

from ...models import choice_spellings
from ...readers import header_key
from ..base import Column, Table

CHANGES = Table(
    key="changes",
    title=gettext_lazy("人员变动"),
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
            "kind",
            gettext_lazy("变动类型"),
            ("变动", "变动事项", "变动情况", "change"),
            required=True,
            options="kind",
            width=10,
        ),
        Column(
            "effective_on",
            gettext_lazy("生效日期"),
            ("生效时间", "变动日期", "变动时间", "effective date"),
            required=True,
            is_date=True,
            help=gettext_lazy("变动生效的第一天；离职、退休为不再在册的第一天"),
            width=12,
        ),
        Column(
            "subdistrict",
            gettext_lazy("调往街道（镇）"),
            ("调入街道", "调往街道", "调入街道（镇）", "街道（镇）", "subdistrict"),
            options="subdistrict",
            help=gettext_lazy("调动、再次入职时填写；同一街道（镇）内调动可只填居委会"),
            width=14,
        ),
        Column(
            "neighbourhood",
            gettext_lazy("调往居委会"),
            ("调入居委会", "居委会", "居民委员会", "neighbourhood", "committee"),
            options="neighbourhood",
            help=gettext_lazy("调动、再次入职时填写；留空表示在街道社区办工作"),
            width=16,
        ),
        Column(
            "post",
            gettext_lazy("岗位"),
            ("职务", "新岗位", "post"),
            options="post",
            help=gettext_lazy("岗位变动时必填；调动、再次入职时如岗位也变化请一并填写"),
            width=12,
        ),
        Column(
            "grade",
            gettext_lazy("岗位等级"),
            ("等级", "级别", "新等级", "grade"),
            options="grade",
            help=gettext_lazy("调级时必填；再次入职时如等级变化请一并填写"),
            width=10,
        ),
        Column(
            "leave_kind",
            gettext_lazy("休假类别"),
            ("休假类型", "假别", "请假类别", "leave type"),
            options="leave_kind",
            help=gettext_lazy("休假时必填"),
            width=10,
        ),
        Column(
            "reason",
            gettext_lazy("原因"),
            ("变动原因", "事由", "reason"),
            help=gettext_lazy("补登或更正过去的记录须填写"),
            width=20,
        ),
        Column(
            "document_no",
            gettext_lazy("文号"),
            ("文件号", "批文号", "发文字号", "document no"),
            width=18,
        ),
    ),
)
COLUMNS = {column.key: column for column in CHANGES.columns}
COLUMN_ORDER = {"": -1, **{column.key: i for i, column in enumerate(CHANGES.columns)}}

# The changes a list may record, as the 办理变动 form offers them (入职 is the roster's).
CHANGE_KINDS = (
    ChangeKind.TRANSFER,
    ChangeKind.POST,
    ChangeKind.GRADE,
    ChangeKind.LEAVE,
    ChangeKind.RETURN,
    ChangeKind.SECONDMENT,
    ChangeKind.LEFT,
    ChangeKind.RETIRED,
    ChangeKind.REHIRED,
)
# Which of the optional columns each kind reads (trainees.history.history_change reads the
# same); a filled cell another kind does not read is ignored with a warning.
READ_BY: dict[str, tuple[str, ...]] = {
    "subdistrict": (ChangeKind.TRANSFER, ChangeKind.REHIRED),
    "neighbourhood": (ChangeKind.TRANSFER, ChangeKind.REHIRED),
    "post": (ChangeKind.TRANSFER, ChangeKind.POST, ChangeKind.REHIRED),
    "grade": (ChangeKind.GRADE, ChangeKind.REHIRED),
    "leave_kind": (ChangeKind.LEAVE,),
}

# How offices write the kind of change in their lists, beyond the labels themselves.
KIND_SYNONYMS: dict[str, str] = {
    "调入": ChangeKind.TRANSFER,
    "调出": ChangeKind.TRANSFER,
    "调任": ChangeKind.TRANSFER,
    "人员调动": ChangeKind.TRANSFER,
    "工作调动": ChangeKind.TRANSFER,
    "岗位调整": ChangeKind.POST,
    "岗位变更": ChangeKind.POST,
    "调岗": ChangeKind.POST,
    "转岗": ChangeKind.POST,
    "等级调整": ChangeKind.GRADE,
    "调整等级": ChangeKind.GRADE,
    "岗位等级调整": ChangeKind.GRADE,
    "晋级": ChangeKind.GRADE,
    "定级": ChangeKind.GRADE,
    "请假": ChangeKind.LEAVE,
    "产假": ChangeKind.LEAVE,
    "病假": ChangeKind.LEAVE,
    "事假": ChangeKind.LEAVE,
    "销假": ChangeKind.RETURN,
    "复岗": ChangeKind.RETURN,
    "复工": ChangeKind.RETURN,
    "回岗": ChangeKind.RETURN,
    "借调结束": ChangeKind.RETURN,
    "结束借调": ChangeKind.RETURN,
    "借出": ChangeKind.SECONDMENT,
    "辞职": ChangeKind.LEFT,
    "辞退": ChangeKind.LEFT,
    "解聘": ChangeKind.LEFT,
    "解除劳动合同": ChangeKind.LEFT,
    "重新入职": ChangeKind.REHIRED,
    "再入职": ChangeKind.REHIRED,
    "返聘": ChangeKind.REHIRED,
    "回聘": ChangeKind.REHIRED,
}
# A kind of leave written as the kind of change (变动类型“产假”): the leave kind it implies when
# 休假类别 is blank.
LEAVE_IMPLIED: dict[str, str] = {
    "产假": LeaveKind.MATERNITY,
    "病假": LeaveKind.SICK,
    "事假": LeaveKind.OTHER,
}
LEAVE_SYNONYMS: dict[str, str] = {
    "生育假": LeaveKind.MATERNITY,
    "病休": LeaveKind.SICK,
    "脱产学习": LeaveKind.STUDY,
    "学习": LeaveKind.STUDY,
    "培训进修": LeaveKind.STUDY,
    "事假": LeaveKind.OTHER,
    "其他": LeaveKind.OTHER,
}


def kind_spellings() -> dict[str, str]:
    """Spelling (header_key) -> change kind code: the nine kinds' codes and labels, then the
    synonyms; a label always reads as itself."""
    spellings = {header_key(k): v for k, v in KIND_SYNONYMS.items()}
    spellings.update(
        {key: code for key, code in choice_spellings(ChangeKind).items() if code in CHANGE_KINDS}
    )
    return spellings


def leave_spellings() -> dict[str, str]:
    spellings = {header_key(k): v for k, v in LEAVE_SYNONYMS.items()}
    spellings.update(choice_spellings(LeaveKind))
    return spellings


def leave_implied(text: str) -> str:
    return LEAVE_IMPLIED.get(header_key(text), "")
