"""HR pages of certification. Every page reads through `certification.selectors`, which scope
to what the user may see; a subdistrict or worker outside it is a 404."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from audit.services import audit_export
from core.charts import bar_chart_svg, chart_legend, line_chart_svg
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from core.params import parse_id
from core.spreadsheets import spreadsheet_response
from trainees.selectors import get_trainee_for_user

from . import selectors
from .filters import CertificateFilter, PipelineFilter
from .forms import AttemptForm, ExternalHoursForm, RateFilterForm, RegistrationForm
from .models import Certificate
from .rules import RegistrationStatus
from .services import attempt_record, external_hours_add, registration_first, registration_renew
from .tables import CertificateTable, CeTable, PipelineTable, RegistrationTable

BREAKDOWN_TITLES = {
    "subdistrict": gettext_lazy("按街道（镇）"),
    "neighbourhood": gettext_lazy("按居委会"),
    "housing_type": gettext_lazy("按住房类型"),
    "post": gettext_lazy("按岗位"),
    "level": gettext_lazy("按证书等级（最高等级）"),
}


def _today() -> dt.date:
    return timezone.localdate()


def dashboard(request: HttpRequest) -> HttpResponse:
    form = RateFilterForm(request.GET or None, user=request.user)
    on = form.valid_data().get("on") or _today()
    filters = form.filters(request.GET.get("subdistrict"))
    board = selectors.rate_dashboard(user=request.user, on=on, filters=filters)
    overall, gap = board["overall"], board["gap"]
    trend = board["trend"]
    series = [
        (_("持证上岗率（%）"), [r.certified_pct for r in trend]),
        (_("有效登记率（%）"), [r.registered_pct for r in trend]),
    ]
    if board["target"] is not None:
        series.append((_("年度目标（%）"), [float(board["target"].target_pct)] * len(trend)))
    target_pct = float(board["target"].target_pct) if board["target"] else None
    charts = {
        "trend": line_chart_svg(
            series,
            x_labels=[r.label[2:].replace("-", ".") for r in trend],
            y_min=0,
            y_max=100,
            y_ticks=[0, 20, 40, 60, 80, 100],
            title=_("持证上岗率月度趋势"),
        ),
        "legend": chart_legend(series),
        "subdistricts": bar_chart_svg(
            [(r.label, r.certified_pct) for r in board["breakdowns"]["subdistrict"]],
            x_max=100,
            unit="%",
            target=target_pct,
            target_label=_("目标 %(pct)s%%") % {"pct": f"{target_pct:g}"} if target_pct else "",
            title=_("各街道（镇）持证上岗率"),
        ),
    }
    return render(
        request,
        "certification/dashboard.html",
        {
            "form": form,
            "on": on,
            "overall": overall,
            "gap": gap,
            "target": board["target"],
            "breakdowns": [
                (key, BREAKDOWN_TITLES[key], rows) for key, rows in board["breakdowns"].items()
            ],
            "trend": trend,
            "charts": charts,
        },
    )


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
    lead = gettext_lazy("在岗持证人员中，登记将在 90 天内到期或已经过期的（截至今天）")
    slug = "registrations"
    export_name = "certification:registration-export"

    def get_queryset(self):
        return selectors.registration_attention_list(user=self.request.user, on=_today())

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


# --- data entry from the worker page ---------------------------------------------------------


def _managed_trainee(request: HttpRequest, pk: int):
    trainee = get_trainee_for_user(request.user, pk)  # 404 outside the scope
    if not request.user.can_edit_workers:
        raise PermissionDenied(_("您的角色只能查看持证记录。"))
    return trainee


@require_http_methods(["GET", "POST"])
def attempt_create(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = _managed_trainee(request, pk)
    form = AttemptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attempt_record(
                trainee=trainee,
                exam_year=form.cleaned_data["exam_year"],
                level=form.cleaned_data["level"],
                scores=form.cleaned_data["scores"],
                actor=request.user,
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已保存考试成绩。"))
            return redirect("trainees:detail", pk=trainee.pk)
    return render(
        request,
        "certification/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("录入考试成绩：%(name)s") % {"name": trainee.name},
        },
    )


@require_http_methods(["GET", "POST"])
def external_hours_create(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = _managed_trainee(request, pk)
    form = ExternalHoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            external_hours_add(trainee=trainee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已记录外部继续教育学时。"))
            return redirect("trainees:detail", pk=trainee.pk)
    return render(
        request,
        "certification/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("记录外部继续教育学时：%(name)s") % {"name": trainee.name},
        },
    )


@require_http_methods(["GET", "POST"])
def registration_create(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("level", "trainee"), pk=pk)
    trainee = _managed_trainee(request, certificate.trainee_id)  # 404 outside the scope
    renewal = certificate.registrations.exists()
    form = RegistrationForm(request.POST or None, initial={"on": _today()})
    if request.method == "POST" and form.is_valid():
        service = registration_renew if renewal else registration_first
        key = "filed_on" if renewal else "starts_on"
        try:
            service(certificate=certificate, actor=request.user, **{key: form.cleaned_data["on"]})
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError({"on": [m for ms in exc.message_dict.values() for m in ms]})
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已办理登记。"))
            return redirect("trainees:detail", pk=trainee.pk)
    title = _("办理再登记") if renewal else _("办理首次登记")
    return render(
        request,
        "certification/form.html",
        {
            "form": form,
            "trainee": trainee,
            "certificate": certificate,
            "title": f"{title}：{trainee.name} · {certificate.level.name}",
        },
    )
