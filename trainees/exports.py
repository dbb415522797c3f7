"""Roster export (CSV and XLSX) with the roster's filters and masking. Headers are Chinese.

The files themselves are written by core.spreadsheets, like every other export.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from neighbourhoods.models import HousingType

from .identity import id_number_mask, mobile_mask
from .models import Trainee


def roster_headers(*, full: bool = True) -> list[str]:
    """The columns of `roster_rows`; the import's columns too when `full` (imports/kinds)."""
    return [
        _("姓名"),
        _("性别"),
        _("出生日期") if full else _("年龄"),
        _("身份证号"),
        _("手机号"),
        _("政治面貌"),
        _("街道（镇）"),
        _("居委会"),
        _("住房类型"),
        _("岗位"),
        _("岗位等级"),
        _("学历"),
        _("专业"),
        _("社会工作专业"),
        _("从事社区工作日期"),
        _("入职日期"),
        _("状态"),
        _("离职日期"),
    ]


def roster_rows(
    queryset: QuerySet[Trainee],
    *,
    full: bool,
    on: dt.date | None = None,
    masked_birth: Literal["age", "blank"] = "age",
) -> Iterator[list]:
    """One list per worker; one query, streamed, whatever the number of rows.

    Unless `full` (User.sees_full_identity and asked for), the ID number shows its last four
    characters, the mobile is masked and the birth date, digits 7–14 of the ID number, is
    replaced by the age on `on` (today by default) — or left blank (`masked_birth="blank"`)
    where the column must stay a date, as in the import-format export.
    """
    on = on or timezone.localdate()
    qs = queryset.select_related("subdistrict", "neighbourhood", "grade").order_by(
        "subdistrict__code", "neighbourhood__name", "name", "pk"
    )
    # Choice labels looked up once per export: get_FOO_display() rebuilds its lookup from the
    # lazily translated choices on every call, which was half the time of a 2,000-row XLSX.
    label = {
        f: {value: str(text) for value, text in Trainee._meta.get_field(f).flatchoices}
        for f in ("gender", "political_status", "post", "education", "status")
    }
    housing = {value: str(text) for value, text in HousingType.choices}
    yes, no = _("是"), _("否")
    for t in qs.iterator(chunk_size=2000):
        yield [
            t.name,
            label["gender"].get(t.gender, t.gender),
            t.birth_date if full else (t.age_on(on) if masked_birth == "age" else ""),
            t.id_number if full else id_number_mask(t.id_number),
            t.mobile if full else mobile_mask(t.mobile),
            label["political_status"].get(t.political_status, t.political_status),
            t.subdistrict.name,
            t.neighbourhood.name if t.neighbourhood_id else "",
            housing.get(t.neighbourhood.housing_type, t.neighbourhood.housing_type)
            if t.neighbourhood_id
            else "",
            label["post"].get(t.post, t.post),
            t.grade.name if t.grade_id else "",
            label["education"].get(t.education, t.education),
            t.major,
            yes if t.major_is_social_work else no,
            t.started_community_work,
            t.joined,
            label["status"].get(t.status, t.status),
            t.left_on or "",
        ]
