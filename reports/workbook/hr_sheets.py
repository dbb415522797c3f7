"""The workbook's sheets of HR's year that other apps compute: the certificate grants
(certification.grants) and staffing against the quota (trainees.staffing). Builders as in
sheets.py: scoped to `subdistrict_id`, a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from certification.grants.rules import GrantStatus, HoldReason
from certification.grants.selectors import grant_rows
from trainees.assessments.models import AssessmentResult
from trainees.staffing import staffing_rows

from .layout import BlockSheet, ColumnGroup, Key, ListSheet
from .sheets import id_field, id_text

ZERO = Decimal("0")


def _number(value: Decimal | None) -> int | float:
    value = value or ZERO
    return int(value) if value == value.to_integral_value() else float(value)


def grants_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> BlockSheet:
    """证书奖励: the grants of the certificates issued in the date's year, by the committee
    that assessed the worker (certification.grants.selectors): owed and paid (people and
    yuan), waiting for the round's lock, held back. One grouped query."""
    year = as_of.year
    rows = grant_rows(user=None, year=year)
    if subdistrict_id is not None:
        rows = rows.filter(place_subdistrict_id=subdistrict_id)
    money = DecimalField(max_digits=12, decimal_places=2)
    grouped = (
        rows.order_by()
        .values("place_subdistrict_id", "place_neighbourhood_id")
        .annotate(
            owed=Count("pk", filter=Q(status=GrantStatus.OWED)),
            owed_amount=Coalesce(
                Sum("due", filter=Q(status=GrantStatus.OWED)), ZERO, output_field=money
            ),
            paid=Count("pk", filter=Q(status=GrantStatus.PAID)),
            paid_amount=Coalesce(
                Sum("grant_payment__amount", filter=Q(status=GrantStatus.PAID)),
                ZERO,
                output_field=money,
            ),
            waiting=Count("pk", filter=Q(status=GrantStatus.WAITING)),
            held=Count("pk", filter=Q(status=GrantStatus.HELD)),
        )
    )
    counts: dict[Key, list] = {}
    for row in grouped:
        if row["place_subdistrict_id"] is None:
            continue
        counts[(row["place_subdistrict_id"], row["place_neighbourhood_id"])] = [
            row["owed"],
            _number(row["owed_amount"]),
            row["paid"],
            _number(row["paid_amount"]),
            row["waiting"],
            row["held"],
        ]
    return BlockSheet(
        title=_("证书奖励"),
        caption=_("%(year)s 年度证书奖励统计表") % {"year": year},
        groups=[
            ColumnGroup(_("应发放"), [_("人数"), _("金额（元）")]),
            ColumnGroup(_("已发放"), [_("人数"), _("金额（元）")]),
            ColumnGroup(_("待考核锁定")),
            ColumnGroup(_("不予发放")),
        ],
        counts=counts,
        notes=[
            _(
                "当年发证的社会工作者职业水平证书，按考核所在居委会统计；金额按发证日有效的奖励标准。"
            )
        ],
    )


def grant_list_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> ListSheet:
    """证书奖励名单: one row per certificate of the year, with its status and reason."""
    year = as_of.year
    rows = grant_rows(user=None, year=year)
    if subdistrict_id is not None:
        rows = rows.filter(place_subdistrict_id=subdistrict_id)
    statuses = {v: str(label) for v, label in GrantStatus.choices}
    holds = {v: str(label) for v, label in HoldReason.choices}
    results = {v: str(label) for v, label in AssessmentResult.choices}
    values = rows.values_list(
        "place_subdistrict",
        "place_committee",
        "trainee__name",
        id_field(full_id),
        "level__name",
        "number",
        "date_issued",
        "result",
        "due",
        "grant_payment__amount",
        "status",
        "hold",
        "grant_payment__paid_on",
        "grant_payment__reference",
    )

    def stream() -> Iterator[list]:
        for (
            sub,
            committee,
            name,
            identity,
            level,
            number,
            issued,
            result,
            due,
            paid,
            status,
            hold,
            paid_on,
            reference,
        ) in values.iterator(2000):
            amount = paid if paid is not None else due
            yield [
                sub,
                committee or _("街道社区办"),
                name,
                id_text(identity, full_id),
                level,
                number,
                issued,
                results.get(result, ""),
                _number(amount) if amount is not None else None,
                statuses.get(status, status),
                holds.get(hold, ""),
                paid_on,
                reference or "",
            ]

    return ListSheet(
        title=_("证书奖励名单"),
        caption=_("%(year)s 年度证书奖励名单") % {"year": year},
        headers=[
            _("街道（镇）"),
            _("居委会"),
            _("姓名"),
            _("身份证号"),
            _("证书等级"),
            _("证书编号"),
            _("发证日期"),
            _("年度考核"),
            _("金额（元）"),
            _("状态"),
            _("原因"),
            _("发放日期"),
            _("发放凭证号"),
        ],
        rows=stream(),
        widths=(12, 14, 10, 21, 14, 18, 12, 10, 10, 10, 22, 12, 16),
    )


def _whole(value: Decimal | None) -> int:
    return int((value or ZERO).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def staffing_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> BlockSheet:
    """社区工作者配备: each committee's residents, workers (在册, 在岗), the workers the norm
    expects (whole persons) and the gap, from trainees.staffing; a subdistrict office's own
    staff on its office row. Ratios are not summable, so they are on the next sheet."""
    staffing = staffing_rows(on=as_of, subdistrict=subdistrict_id)
    counts: dict[Key, list] = {}
    for row in staffing.rows:
        expected = None if row.expected is None else _whole(row.expected)
        counts[(row.subdistrict_id, row.neighbourhood_id)] = [
            row.residents or 0,
            row.workers,
            row.on_duty,
            expected or 0,
            0 if expected is None else row.workers - expected,
            row.unknown,
        ]
    for total in staffing.subdistricts:
        if total.office_workers:
            counts[(total.subdistrict_id, None)] = [0, total.office_workers, 0, 0, 0, 0]
    norm = "—" if staffing.norm is None else f"{staffing.norm:g}"
    return BlockSheet(
        title=_("社区工作者配备"),
        caption=_("社区工作者配备情况表（每万名居民 %(norm)s 名）") % {"norm": norm},
        groups=[
            ColumnGroup(_("常住人口")),
            ColumnGroup(_("社区工作者"), [_("在册"), _("在岗")]),
            ColumnGroup(_("按定额应配")),
            ColumnGroup(_("缺口（在册−应配）")),
            ColumnGroup(_("无人口数据")),
        ],
        counts=counts,
        notes=[
            _(
                "人口为统计日前最近一次登记数；无人口数据的居委会记为 0 且不计应配；"
                "街道社区办人员列在社区办一行。每万名居民比例见下一工作表。"
            )
        ],
    )


def staffing_ratio_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> ListSheet:
    """配备比例: workers per 10,000 residents by subdistrict and in all, against the norm."""
    staffing = staffing_rows(on=as_of, subdistrict=subdistrict_id)
    lines = [*staffing.subdistricts]
    if subdistrict_id is None:
        lines.append(replace(staffing.total, subdistrict_name=str(_("全区合计"))))

    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    rows = [
        [
            line.subdistrict_name or line.name,
            line.residents,
            line.counted_workers,
            number(line.per_10k),
            number(staffing.norm),
            number(line.expected),
            number(line.gap),
            line.unknown,
        ]
        for line in lines
    ]
    return ListSheet(
        title=_("配备比例"),
        caption=_("每万名居民社区工作者数"),
        headers=[
            _("街道（镇）"),
            _("常住人口"),
            _("计入比例的在册人数"),
            _("每万名居民"),
            _("定额（每万名居民）"),
            _("按定额应配"),
            _("差额"),
            _("无人口数据的居委会"),
        ],
        rows=rows,
        widths=(14, 12, 16, 12, 16, 12, 10, 18),
        notes=[_("比例只计有人口数据的居委会及其在册人员。")],
    )
