"""The sheets of the fixed-format workbook, each a builder over the date and the scope
(layout.SheetBuilder). Every figure is as of the date (DOMAIN.md, "Dates that decide every
figure"): workers are the 在册 population on that date (trainees.populations) and are grouped by
the subdistrict, committee, post and grade of the period of their history covering it;
certificates count from their date (certification.selectors.population).

Political status and education are kept on the worker only (no history): they are today's
record, whatever the date, and the profile sheet says so.

Each builder is one or two aggregate queries (GROUP BY subdistrict, committee with conditional
counts) or one streamed list query, whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from certification.models import Certificate, Level
from certification.selectors.population import certificate_held_q, levels_by_rank
from trainees.assessments.models import Assessment, AssessmentResult, AssessmentRound
from trainees.identity import id_number_mask
from trainees.models import (
    ON_BOOKS_STATES,
    ChangeKind,
    Education,
    Gender,
    PoliticalStatus,
    Post,
    WorkerPeriod,
)
from trainees.pii import pii_decrypt
from trainees.populations import ON_BOOKS_NOTE, period_covers_q, periods_on

from .layout import BlockSheet, ColumnGroup, Key, ListSheet

GRADES = range(0, 19)  # 三岗十八级: 1–18, 0 = not graded
# Age bands of the district's tables (≤30, 31–35, 36–45, >45): the lowest age of each band.
AGE_BANDS = ((0, "≤30"), (31, "31–35"), (36, "36–45"), (46, ">45"))
NO_HISTORY_NOTE = _("政治面貌、学历按当前档案记录统计（档案不保存其历史）。")


def _years_before(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who has turned `years` on `day` (29 February: the
    28th, as `Trainee.age_on` counts)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_q(day: dt.date, low: int, high: int | None) -> Q:
    """Aged `low` to `high` (inclusive; None: no upper bound) on `day`."""
    q = Q()
    if low:
        q &= Q(trainee__birth_date__lte=_years_before(day, low))
    if high is not None:
        q &= Q(trainee__birth_date__gt=_years_before(day, high + 1))
    return q


def _placed(queryset: QuerySet, subdistrict_id: int | None, field: str = "subdistrict_id"):
    return queryset if subdistrict_id is None else queryset.filter(**{field: subdistrict_id})


def _counts(queryset: QuerySet, columns: list[Q | None], sid: str, nid: str) -> dict[Key, list]:
    """One GROUP BY (subdistrict, committee) query; a column None counts every row."""
    aggregates = {
        f"c{i}": Count("pk", filter=q) if q is not None else Count("pk")
        for i, q in enumerate(columns)
    }
    rows = queryset.values(sid, nid).annotate(**aggregates).order_by()
    return {
        (row[sid], row[nid]): [row[f"c{i}"] for i in range(len(columns))]
        for row in rows
        if row[sid] is not None
    }


def _holders(day: dt.date, level: Level):
    return Certificate.objects.filter(certificate_held_q(day), level_id=level.pk).values(
        "trainee_id"
    )


def _labels(choices) -> list[str]:
    return [str(label) for _value, label in choices]


def profile_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> BlockSheet:
    """队伍概况: workers on the books by committee, by sex, age band, political status,
    education, post, grade and highest certificate level held on the date."""
    levels = levels_by_rank()  # lowest first
    groups: list[ColumnGroup] = [ColumnGroup(_("在册人数"))]
    columns: list[Q | None] = [None]

    def add(label: str, values: list[tuple[str, Q]]) -> None:
        groups.append(ColumnGroup(label, [v for v, _q in values]))
        columns.extend(q for _v, q in values)

    add(_("性别"), [(str(lab), Q(trainee__gender=v)) for v, lab in Gender.choices])
    bands = []
    for i, (low, label) in enumerate(AGE_BANDS):
        high = AGE_BANDS[i + 1][0] - 1 if i + 1 < len(AGE_BANDS) else None
        bands.append((label, _age_q(as_of, low, high)))
    add(_("年龄"), bands)
    add(
        _("政治面貌"),
        [(str(lab), Q(trainee__political_status=v)) for v, lab in PoliticalStatus.choices],
    )
    add(_("学历"), [(str(lab), Q(trainee__education=v)) for v, lab in Education.choices])
    add(_("岗位"), [(str(lab), Q(post=v)) for v, lab in Post.choices])
    add(
        _("岗位等级"),
        [
            (str(g), Q(grade__level=g) | Q(grade__isnull=True) if g == 0 else Q(grade__level=g))
            for g in GRADES
        ],
    )
    # The highest level held on the date: held it, and no level above it.
    certified: list[tuple[str, Q]] = []
    any_held = Q(pk__in=[])
    for i, level in enumerate(levels):
        q = Q(trainee_id__in=_holders(as_of, level))
        for higher in levels[i + 1 :]:
            q &= ~Q(trainee_id__in=_holders(as_of, higher))
        certified.append((level.name, q))
        any_held |= Q(trainee_id__in=_holders(as_of, level))
    add(_("证书等级"), [(_("无证书"), ~any_held), *certified])
    counts = _counts(
        _placed(periods_on(as_of), subdistrict_id), columns, "subdistrict_id", "neighbourhood_id"
    )
    return BlockSheet(
        title=_("队伍概况"),
        caption=_("社区工作者队伍概况统计表"),
        groups=groups,
        counts=counts,
        notes=[
            str(ON_BOOKS_NOTE),
            _(
                "年龄按截至日期计算；岗位、岗位等级、所在居委会为截至日期的履历；证书等级为当日持有的最高等级。"
            ),
            str(NO_HISTORY_NOTE),
        ],
    )


def certificates_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> BlockSheet:
    """证书: workers on the books holding each level on the date, and those passed but still
    waiting for the certificate's date (待发证), by committee."""
    levels = levels_by_rank()
    held = [Q(trainee_id__in=_holders(as_of, level)) for level in levels]
    pending = [
        Q(
            trainee_id__in=Certificate.objects.filter(
                level_id=level.pk, date_passed__lte=as_of, date_issued__gt=as_of
            ).values("trainee_id")
        )
        for level in levels
    ]
    any_held = Q(
        trainee_id__in=Certificate.objects.filter(certificate_held_q(as_of)).values("trainee_id")
    )
    names = [level.name for level in levels]
    groups = [
        ColumnGroup(_("在册人数")),
        ColumnGroup(_("持证人数"), [*names, _("任一等级")]),
        ColumnGroup(_("待发证人数"), names),
    ]
    counts = _counts(
        _placed(periods_on(as_of), subdistrict_id),
        [None, *held, any_held, *pending],
        "subdistrict_id",
        "neighbourhood_id",
    )
    return BlockSheet(
        title=_("证书"),
        caption=_("社会工作者职业资格证书持证统计表"),
        groups=groups,
        counts=counts,
        notes=[
            str(ON_BOOKS_NOTE),
            _("证书自证书日期（发证日期）起计；通过考试但尚未到证书日期的为待发证。"),
        ],
    )


def id_field(full_id: bool, prefix: str = "trainee__") -> str:
    """The column `id_text` reads: the encrypted number, or only its stored last four."""
    return f"{prefix}id_number_encrypted" if full_id else f"{prefix}id_number_tail"


def id_text(value: str | None, full_id: bool) -> str:
    """The roster export's rule (trainees/exports.py): in full only when asked for by someone
    who may see it, else masked from the stored last four characters, never decrypted."""
    if not value:
        return ""
    return pii_decrypt(value) if full_id else id_number_mask("*" * 14 + value)


def certificate_list_sheet(
    *, as_of: dt.date, subdistrict_id: int | None, full_id: bool
) -> ListSheet:
    """证书名单: one row per certificate held on the date by a worker on the books."""
    queryset = _placed(
        Certificate.objects.alias(
            place=FilteredRelation(
                "trainee__periods", condition=period_covers_q(as_of, "trainee__periods__")
            )
        ).filter(certificate_held_q(as_of), place__state__in=ON_BOOKS_STATES),
        subdistrict_id,
        "place__subdistrict_id",
    )
    rows = queryset.order_by(
        "place__subdistrict__code", "place__neighbourhood__name", "trainee__name", "level__rank"
    ).values_list(
        "place__subdistrict__name",
        "place__neighbourhood__name",
        "trainee__name",
        id_field(full_id),
        "level__name",
        "number",
        "date_passed",
        "date_issued",
    )

    def stream() -> Iterator[list]:
        office = _("街道社区办")
        for sub, committee, name, tail, level, number, passed, issued in rows.iterator(2000):
            yield [
                sub,
                committee or office,
                name,
                id_text(tail, full_id),
                level,
                number,
                passed,
                issued,
            ]

    return ListSheet(
        title=_("证书名单"),
        caption=_("持证人员名单"),
        headers=[
            _("街道（镇）"),
            _("居委会"),
            _("姓名"),
            _("身份证号"),
            _("证书等级"),
            _("证书编号"),
            _("取得日期"),
            _("证书日期"),
        ],
        rows=stream(),
        widths=(14, 18, 10, 20, 16, 22, 12, 12),
    )


def _year_changes(as_of: dt.date, kind: str) -> QuerySet[WorkerPeriod]:
    """Periods begun by a change of `kind` from 1 January of the date's year to the date, with
    the period before each (`prev_*`): one query."""
    before = WorkerPeriod.objects.filter(
        trainee_id=OuterRef("trainee_id"), starts_on__lt=OuterRef("starts_on")
    ).order_by("-starts_on")
    return (
        WorkerPeriod.objects.filter(
            change=kind, starts_on__gte=dt.date(as_of.year, 1, 1), starts_on__lte=as_of
        )
        .annotate(
            prev_grade=Subquery(before.values("grade__level")[:1]),
            prev_subdistrict_id=Subquery(before.values("subdistrict_id")[:1]),
            prev_subdistrict=Subquery(before.values("subdistrict__name")[:1]),
            prev_committee=Subquery(before.values("neighbourhood__name")[:1]),
        )
        .order_by("subdistrict__code", "neighbourhood__name", "starts_on", "trainee__name", "pk")
    )


def grade_changes_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> ListSheet:
    """调级: the grade changes (调级) dated from 1 January of the date's year to the date."""
    queryset = _placed(_year_changes(as_of, ChangeKind.GRADE), subdistrict_id)
    rows = queryset.values_list(
        "subdistrict__name",
        "neighbourhood__name",
        "trainee__name",
        id_field(full_id),
        "post",
        "prev_grade",
        "grade__level",
        "starts_on",
        "reason",
        "document_no",
    )
    posts = {value: str(label) for value, label in Post.choices}

    def stream() -> Iterator[list]:
        office = _("街道社区办")
        for sub, committee, name, tail, post, old, new, day, reason, doc in rows.iterator(2000):
            yield [
                sub,
                committee or office,
                name,
                id_text(tail, full_id),
                posts.get(post, post),
                old,
                new,
                day,
                reason,
                doc,
            ]

    return ListSheet(
        title=_("调级"),
        caption=_("%(year)s 年岗位等级调整名单") % {"year": as_of.year},
        headers=[
            _("街道（镇）"),
            _("居委会"),
            _("姓名"),
            _("身份证号"),
            _("岗位"),
            _("原等级"),
            _("现等级"),
            _("调级日期"),
            _("原因"),
            _("文号"),
        ],
        rows=stream(),
        widths=(14, 18, 10, 20, 14, 8, 8, 12, 24, 20),
    )


def transfers_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> ListSheet:
    """调动: transfers dated from 1 January of the date's year to the date; a subdistrict sees
    those into and out of it."""
    queryset = _year_changes(as_of, ChangeKind.TRANSFER)
    if subdistrict_id is not None:
        queryset = queryset.filter(
            Q(subdistrict_id=subdistrict_id) | Q(prev_subdistrict_id=subdistrict_id)
        )
    rows = queryset.values_list(
        "trainee__name",
        id_field(full_id),
        "prev_subdistrict",
        "prev_committee",
        "subdistrict__name",
        "neighbourhood__name",
        "starts_on",
        "reason",
        "document_no",
    )

    def stream() -> Iterator[list]:
        office = _("街道社区办")
        for name, tail, old_sub, old_c, sub, committee, day, reason, doc in rows.iterator(2000):
            yield [
                name,
                id_text(tail, full_id),
                old_sub,
                old_c or office,
                sub,
                committee or office,
                day,
                reason,
                doc,
            ]

    return ListSheet(
        title=_("调动"),
        caption=_("%(year)s 年人员调动名单") % {"year": as_of.year},
        headers=[
            _("姓名"),
            _("身份证号"),
            _("调出街道（镇）"),
            _("调出居委会"),
            _("调入街道（镇）"),
            _("调入居委会"),
            _("调动日期"),
            _("原因"),
            _("文号"),
        ],
        rows=stream(),
        widths=(10, 20, 14, 18, 14, 18, 12, 24, 20),
    )


def assessments_sheet(*, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> BlockSheet:
    """年度考核: the results of the date's year by committee, each worker counted where their
    history placed them on the date (where they last were, for one who has left)."""
    year = as_of.year
    results = list(AssessmentResult)
    queryset = (
        Assessment.objects.filter(round__year=year)
        .alias(
            place=FilteredRelation(
                "trainee__periods", condition=period_covers_q(as_of, "trainee__periods__")
            )
        )
        .annotate(
            # One assessed in the year but joined after the date has no period then: the
            # subdistrict that entered the result.
            sid=Coalesce(F("place__subdistrict_id"), F("subdistrict_id")),
            nid=F("place__neighbourhood_id"),
        )
    )
    counts = _counts(
        _placed(queryset, subdistrict_id, "sid"),
        [None, *(Q(result=r.value) for r in results)],
        "sid",
        "nid",
    )
    round_ = AssessmentRound.objects.filter(year=year).first()
    state = _("尚未发起") if round_ is None else round_.get_status_display()
    return BlockSheet(
        title=_("年度考核"),
        caption=_("%(year)s 年度考核结果统计表") % {"year": year},
        groups=[
            ColumnGroup(_("考核人数")),
            ColumnGroup(_("考核结果"), [str(r.label) for r in results]),
        ],
        counts=counts,
        notes=[_("%(year)s 年度考核状态：%(state)s。") % {"year": year, "state": state}],
    )


def assessment_list_sheet(
    *, as_of: dt.date, subdistrict_id: int | None, full_id: bool
) -> ListSheet:
    """年度考核名单: the results of the date's year, one row per worker, in the columns of the
    assessments import (imports/kinds/assessments/columns.py): with full ID numbers the sheet
    goes back in through that import unchanged. Scoped like that import's export, by the
    subdistrict that entered the result."""
    year = as_of.year
    rows = (
        _placed(Assessment.objects.filter(round__year=year), subdistrict_id)
        .order_by("subdistrict__code", "trainee__name", "trainee_id")
        .values_list(id_field(full_id), "trainee__name", "result", "note", "subdistrict__name")
    )
    results = {value: str(label) for value, label in AssessmentResult.choices}

    def stream() -> Iterator[list]:
        for identity, name, result, note, sub in rows.iterator(2000):
            yield [id_text(identity, full_id), name, year, results.get(result, result), note, sub]

    return ListSheet(
        title=_("年度考核名单"),
        caption=_("%(year)s 年度考核结果名单") % {"year": year},
        # The assessments import's own column names, so that the sheet reads back through it.
        headers=[
            _("身份证号"),
            _("姓名"),
            _("考核年度"),
            _("考核结果"),
            _("备注"),
            _("考核街道（镇）"),
        ],
        rows=stream(),
        widths=(21, 10, 10, 12, 24, 14),
    )
