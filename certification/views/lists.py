"""HR lists of certification (certified, registrations due or lapsed, CE shortfall, exam
pipeline), each filtered, paginated and downloadable as CSV or XLSX with the same filters."""

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from audit.services import audit_export
from core.pagination import BoundedPaginator
from core.params import parse_id
from core.spreadsheets import spreadsheet_response

from .. import selectors
from ..filters import CertificateFilter, PipelineFilter
from ..models import Certificate, Level
from ..rules import RegistrationStatus
from ..tables import CertificateTable, CeTable, PipelineTable, RegistrationTable


def _today() -> dt.date:
    return timezone.localdate()


class _ExportableList(SingleTableMixin, FilterView):
    """A filtered, paginated list that also downloads as CSV or XLSX with the same filters."""

    template_name = "certification/list.html"
    paginate_by = 50
    paginator_class = BoundedPaginator
    title = ""
    lead = ""
    slug = ""
    export_name = ""

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get(self, request, *args, **kwargs):
        subdistrict = request.GET.get("subdistrict")
        if subdistrict and subdistrict.isdigit():
            selectors.check_filters_in_scope(
                request.user, selectors.RateFilters(subdistrict_id=parse_id(subdistrict) or 0)
            )
        fmt = kwargs.get("fmt")
        if fmt:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        # An address without filters leaves the filterset unbound (never "valid"): that is the
        # whole list, as on the page, not an empty file.
        valid = not filterset.is_bound or filterset.is_valid()
        qs = filterset.qs if valid else filterset.queryset.none()
        audit_export(
            actor=self.request.user,
            what=f"certification.{self.slug or type(self).__name__.lower()}",
            filters=dict(self.request.GET.items()),
        )
        rows = (self.export_row(obj) for obj in qs.iterator(chunk_size=2000))
        stamp = _today().strftime("%Y%m%d")
        return spreadsheet_response(
            self.export_headers(),
            rows,
            fmt=fmt,
            filename=f"{self.title}-{stamp}",
            sheet_title=str(self.title),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            lead=self.lead,
            slug=self.slug,
            export_name=self.export_name,
            on=_today(),
        )
        return context

    def export_headers(self) -> list[str]:
        raise NotImplementedError

    def export_row(self, obj) -> list:
        raise NotImplementedError


def _worker_cells(t) -> list:
    return [
        t.name,
        t.subdistrict.name,
        t.neighbourhood.name if t.neighbourhood_id else _("街道社区办"),
        t.get_post_display(),
    ]


def _worker_headers() -> list[str]:
    return [_("姓名"), _("街道（镇）"), _("居委会"), _("岗位")]


class CertifiedListView(_ExportableList):
    table_class = CertificateTable
    filterset_class = CertificateFilter
    title = gettext_lazy("持证人员名单")
    lead = gettext_lazy("社区工作者持有的社会工作者职业水平证书及登记状态（截至今天）")
    slug = "certified"
    export_name = "certification:certified-export"

    def get_queryset(self):
        return selectors.certified_list(user=self.request.user, on=_today())

    def export_headers(self):
        return [
            *_worker_headers(),
            _("等级"),
            _("证书编号"),
            _("取得日期"),
            _("发证日期"),
            _("登记状态"),
            _("登记有效期至"),
        ]

    def export_row(self, c: Certificate) -> list:
        return [
            *_worker_cells(c.trainee),
            c.level.name,
            c.number,
            c.date_passed,
            c.date_issued,
            str(RegistrationStatus(c.registration_status).label),
            c.current_ends_on or "",
        ]


class RegistrationListView(_ExportableList):
    table_class = RegistrationTable
    filterset_class = CertificateFilter
    title = gettext_lazy("待再登记与登记过期")
    slug = "registrations"
    export_name = "certification:registration-export"

    @cached_property
    def levels(self) -> list[Level]:
        return selectors.levels_by_rank()

    @property
    def lead(self) -> str:  # type: ignore[override]
        # Each level's notice window is its row (Level.renewal_notice_days), read once.
        windows = "、".join(
            _("%(level)s %(days)d 天") % {"level": lv.name, "days": lv.renewal_notice_days}
            for lv in self.levels
        )
        return _(
            "在岗持证人员中，登记将在再登记提前办理期内（%(windows)s）到期或已经过期的（截至今天）"
        ) % {"windows": windows}

    def get_queryset(self):
        return selectors.registration_attention_list(
            user=self.request.user, on=_today(), levels=self.levels
        )

    def export_headers(self):
        return [*_worker_headers(), _("等级"), _("证书编号"), _("登记状态"), _("有效期至")]

    def export_row(self, c: Certificate) -> list:
        return [
            *_worker_cells(c.trainee),
            c.level.name,
            c.number,
            str(RegistrationStatus(c.registration_status).label),
            c.last_ends_on or "",
        ]


class CeShortfallListView(_ExportableList):
    table_class = CeTable
    filterset_class = CertificateFilter
    title = gettext_lazy("继续教育学时不足")
    lead = gettext_lazy(
        "本登记有效期内继续教育学时（系统内计入继续教育的培训 + 外部学时）未达再登记要求的持证人员"
    )
    slug = "ce"
    export_name = "certification:ce-export"

    def get_queryset(self):
        return selectors.ce_shortfall_list(user=self.request.user, on=_today())

    def export_headers(self):
        return [
            *_worker_headers(),
            _("等级"),
            _("本期起"),
            _("本期至"),
            _("系统培训学时"),
            _("外部学时"),
            _("合计"),
            _("应修学时"),
            _("尚缺"),
        ]

    def export_row(self, c: Certificate) -> list:
        return [
            *_worker_cells(c.trainee),
            c.level.name,
            c.current_starts_on,
            c.current_ends_on,
            c.ce_dudao,
            c.ce_external,
            c.ce_total,
            c.ce_required,
            c.shortfall,
        ]


class PipelineListView(_ExportableList):
    table_class = PipelineTable
    filterset_class = PipelineFilter
    slug = "pipeline"
    export_name = "certification:pipeline-export"

    @property
    def exam_year(self) -> int:
        if not hasattr(self, "_exam_year"):
            self._exam_year = selectors.next_exam_year(_today())
        return self._exam_year

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("%(year)d年可报考的未持证人员") % {"year": self.exam_year}

    @property
    def lead(self) -> str:  # type: ignore[override]
        return _("在岗、尚未持有任何等级证书、符合%(year)d年报考条件的社区工作者") % {
            "year": self.exam_year
        }

    def get_queryset(self):
        return selectors.pipeline_list(
            user=self.request.user, on=_today(), exam_year=self.exam_year
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["exam_year"] = self.exam_year
        return kwargs

    def _answers(self, trainees):
        return selectors.eligibility_answers(trainees=trainees, exam_year=self.exam_year)

    def get_table_kwargs(self):
        return {"answers": self._answers}

    def export_headers(self):
        return [
            *_worker_headers(),
            _("学历"),
            _("社会工作专业"),
            _("从事社区工作日期"),
            _("可报考等级"),
            _("依据"),
        ]

    def export(self, fmt: str) -> HttpResponse:
        self._export_answers: dict = {}
        return super().export(fmt)

    def export_row(self, t) -> list:
        if t.pk not in self._export_answers:
            # Rows arrive one by one from the iterator; answers are looked up in small batches.
            self._export_answers.update(self._answers([t]))
        eligible = [a for a in self._export_answers.pop(t.pk) if a.eligible]
        return [
            *_worker_cells(t),
            t.get_education_display(),
            _("是") if t.major_is_social_work else _("否"),
            t.started_community_work,
            "、".join(a.level_name for a in eligible),
            "；".join(a.reason for a in eligible),
        ]
