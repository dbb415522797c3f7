from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import (
    can_request_reports,
    can_view_reports,
    capability_required,
    manages_subdistrict,
    scoped_subdistrict_id,
)
from audit.services import audit_export
from core.downloads import protected_download
from core.pagination import BoundedPaginator
from trainees.populations import ON_BOOKS_NOTE
from trainees.staffing import committee_staffing, staffing_norm, staffing_row, staffing_totals

from .charts_report import report_charts
from .figures import METRICS, headline_metrics
from .forms import CommentaryForm, PeriodForm, ReportRequestForm, StaffingForm
from .models import RunStatus
from .periods import Period, PeriodKind, latest_complete_period
from .selectors import (
    cached_dashboard_figures,
    get_run_for_user,
    report_subdistrict_for,
    run_list,
)
from .services import commentary_save, commentary_text, report_request, report_retry
from .snapshots import storable

RANKINGS = ("coverage_pct", "cadence_pct", "training_coverage_pct", "certified_pct")


REPORTS_REFUSED = gettext_lazy("您的角色不能查看报表。")


def _period_from(request: HttpRequest, form: PeriodForm) -> Period:
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        return Period(d["kind"], d["year"], d["number"])
    return latest_complete_period(PeriodKind.MONTH, timezone.localdate())


@require_GET
@capability_required(can_view_reports, REPORTS_REFUSED)
def dashboard(request: HttpRequest) -> HttpResponse:
    """District, subdistrict (scoped) or leader (read-only) dashboard for one period."""
    user = request.user
    subdistrict = report_subdistrict_for(user, request.GET.get("subdistrict"))
    form = PeriodForm(request.GET if "kind" in request.GET else None, user=user)
    period = _period_from(request, form)
    if not form.is_bound:
        form = PeriodForm(
            initial={
                "kind": period.kind,
                "year": period.year,
                "number": period.number,
                "subdistrict": subdistrict,
            },
            user=user,
        )
    figures, computed_at = cached_dashboard_figures(
        period=period,
        subdistrict_id=subdistrict.pk if subdistrict else None,
        refresh=request.GET.get("refresh") == "1",
    )
    rank = request.GET.get("rank") if request.GET.get("rank") in RANKINGS else "coverage_pct"
    ranking = sorted(
        figures["comparison"],
        key=lambda r: (r[rank] is None, -(r[rank] or 0), r["name"]),
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "f": figures,
            "period": period,
            "form": form,
            "metrics": headline_metrics(figures),
            "ranking": ranking,
            "rank": rank,
            "rankings": [(k, label) for k, label, _u in METRICS if k in RANKINGS],
            "charts": report_charts(figures),
            "subdistrict": subdistrict,
            "computed_at": computed_at,
            "cache_minutes": settings.DUDAO_DASHBOARD_CACHE_SECONDS // 60,
            # A period over is kept until data within it changes (reports/snapshots.py).
            "kept": storable(period),
            "refresh_query": _refresh_query(request),
        },
    )


STAFFING_PER_PAGE = 50


@require_GET
@capability_required(can_view_reports, REPORTS_REFUSED)
def staffing(request: HttpRequest) -> HttpResponse:
    """Workers per 10,000 residents by committee against the norm, as of a date: the
    district's committees (or one subdistrict's), a subdistrict office its own."""
    user = request.user
    form = StaffingForm(request.GET or None, user=user)
    today = timezone.localdate()
    on = form.value("on", today)
    own = scoped_subdistrict_id(user)
    subdistrict = (
        report_subdistrict_for(user, own) if own is not None else form.value("subdistrict")
    )
    sort = form.value("sort", "place")
    found = staffing_norm(on)
    norm = found.workers_per_10k if found is not None else None
    committees = committee_staffing(on=on, subdistrict=subdistrict, norm=norm, sort=sort)
    page = BoundedPaginator(committees, STAFFING_PER_PAGE).get_page(request.GET.get("page"))
    totals, total = staffing_totals(on=on, subdistrict=subdistrict, norm=norm)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/staffing.html",
        {
            "form": form,
            "on": on,
            "norm": float(norm) if norm is not None else None,
            "subdistrict": subdistrict,
            "page": page,
            "rows": [staffing_row(c, norm) for c in page.object_list],
            "totals": totals if subdistrict is None else [],
            "total": total,
            "population_note": ON_BOOKS_NOTE,
            "can_import_populations": manages_subdistrict(user, None),
            "query": query.urlencode(),
        },
    )


def _refresh_query(request: HttpRequest) -> str:
    """The page's own query string with refresh=1, for the "recompute now" link."""
    query = request.GET.copy()
    query["refresh"] = "1"
    return query.urlencode()


@require_http_methods(["GET", "POST"])
@capability_required(can_view_reports, REPORTS_REFUSED)
def run_list_view(request: HttpRequest) -> HttpResponse:
    """Built reports in scope and the form to ask for one (not for read-only leaders)."""
    user = request.user
    can_request = can_request_reports(user)
    form = ReportRequestForm(request.POST or None, user=user) if can_request else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("领导账号只能查看报表。"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                run = report_request(
                    actor=user,
                    period_kind=d["kind"],
                    year=d["year"],
                    number=d["number"],
                    subdistrict=d["subdistrict"],
                    language=d["language"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("reports:run-detail", pk=run.pk)
    return render(
        request,
        "reports/run_list.html",
        {"form": form, "runs": run_list(user=user)[:50]},
    )


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    return render(
        request,
        "reports/run_detail.html",
        {
            "run": run,
            "can_retry": run.status == RunStatus.FAILED and can_request_reports(request.user),
        },
    )


@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = get_run_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "error": run.error,
            "pdf": reverse("reports:run-download", args=[run.pk, "pdf"]) if run.file else None,
            "xlsx": reverse("reports:run-download", args=[run.pk, "xlsx"])
            if run.xlsx_file
            else None,
        }
    )


@require_GET
def run_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    field = run.file if fmt == "pdf" else run.xlsx_file
    if run.status != RunStatus.DONE or not field:
        raise Http404  # not built yet, or removed at the end of the retention period
    # The stored name is random (ReportRun._upload_to); the user's copy says what it is.
    name = f"{run.scope_label}-{run.period.label}.{fmt}"
    audit_export(actor=request.user, what="reports.run", filters={"run": run.pk, "format": fmt})
    return protected_download(field, filename=name)


@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk, write=True)
    try:
        report_retry(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已重新开始生成报表。"))
    return redirect("reports:run-detail", pk=run.pk)


@require_http_methods(["GET", "POST"])
@capability_required(can_request_reports, gettext_lazy("您的角色不能编辑报表分析说明。"))
def commentary_edit(request: HttpRequest) -> HttpResponse:
    """The commentary of one period and scope: district admin, or the subdistrict's admin."""
    user = request.user
    params = request.GET
    subdistrict = report_subdistrict_for(user, params.get("subdistrict"))
    period_form = PeriodForm(params, user=user)
    if not period_form.is_valid():
        raise Http404
    d = period_form.cleaned_data
    period = Period(d["kind"], d["year"], d["number"])
    form = CommentaryForm(
        request.POST or None,
        initial={"text": commentary_text(period=period, subdistrict=subdistrict)},
    )
    if request.method == "POST" and form.is_valid():
        commentary_save(
            actor=user, period=period, subdistrict=subdistrict, text=form.cleaned_data["text"]
        )
        messages.success(request, _("分析说明已保存。"))
        return redirect(f"{reverse('reports:commentary')}?{params.urlencode()}")
    return render(
        request,
        "reports/commentary_form.html",
        {"form": form, "period": period, "subdistrict": subdistrict},
    )
