"""The assessment pages: the rounds, a round's bulk entry, the district's quota, lock and
unlock. Views stay thin: the selectors scope, the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.capabilities import (
    can_manage_place,
    capability_required,
    manages_subdistrict,
    sees_places,
)
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator

from .filters import RoundFilter
from .forms import BulkEntryForm, QuotaForm, RoundOpenForm, UnlockForm
from .models import AssessmentResult
from .selectors import round_get, round_list, round_rows, round_summary
from .services import quota_set, results_set, round_lock, round_open, round_unlock

PER_PAGE = 50


def _district(request: HttpRequest) -> None:
    if not manages_subdistrict(request.user, None):
        raise PermissionDenied(_("只有区级管理员可以办理此项操作。"))


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def round_list_view(request: HttpRequest) -> HttpResponse:
    form = None
    if manages_subdistrict(request.user, None):
        form = RoundOpenForm(request.POST or None)
    elif request.method == "POST":
        raise PermissionDenied(_("只有区级管理员可以发起年度考核。"))
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            round_ = round_open(
                year=form.cleaned_data["year"],
                excellent_share=form.cleaned_data["excellent_share"],
                actor=request.user,
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已发起 %(year)s 年度考核。") % {"year": round_.year})
            return redirect("trainees:assessment-round", year=round_.year)
    return render(
        request,
        "trainees/assessment_list.html",
        {"rounds": round_list(), "form": form},
    )


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def round_view(request: HttpRequest, year: int) -> HttpResponse:
    round_ = round_get(year)
    writable = can_manage_place(request.user) and not round_.is_locked
    if request.method == "POST" and not can_manage_place(request.user):
        raise PermissionDenied(_("您的角色只能查看年度考核结果。"))
    filterset = RoundFilter(
        request.GET or None,
        queryset=round_rows(user=request.user, round_=round_),
        user=request.user,
    )
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if filterset.is_bound and not filterset.is_valid():
        rows = rows.none()
    page = BoundedPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    row_ids = [p.trainee_id for p in page.object_list]
    form = None
    if writable:
        initial = {}
        for p in page.object_list:
            initial[f"result_{p.trainee_id}"] = p.a_result or ""
            initial[f"note_{p.trainee_id}"] = p.a_note or ""
        form = BulkEntryForm(
            request.POST if request.method == "POST" else None, row_ids=row_ids, initial=initial
        )
    elif request.method == "POST":
        messages.error(request, _("本年度考核已锁定，不能修改。"))
        return redirect(request.get_full_path())
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            changed = results_set(round_=round_, entries=form.entries(), actor=request.user)
        except ValidationError as exc:
            _attach_row_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(count)s 条考核结果。") % {"count": changed})
            return redirect(request.get_full_path())
    summary = round_summary(round_=round_, user=request.user)
    return render(
        request,
        "trainees/assessment_round.html",
        {
            "round": round_,
            "filter": filterset,
            "page": page,
            "rows": [(p, form.row(p.trainee_id) if form else None) for p in page.object_list],
            "form": form,
            "summary": summary,
            "results": AssessmentResult.choices,
            "is_district": manages_subdistrict(request.user, None),
            "quota_form": QuotaForm() if manages_subdistrict(request.user, None) else None,
            "query": _query_without_page(request),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _attach_row_errors(form: BulkEntryForm, exc: ValidationError) -> None:
    """A refused worker's message next to their row; a quota or lock message above."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            field = f"result_{key}"
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_POST
@capability_required(sees_places)
def quota_view(request: HttpRequest, year: int) -> HttpResponse:
    round_ = round_get(year)
    _district(request)
    form = QuotaForm(request.POST)
    if form.is_valid():
        try:
            quota_set(
                round_=round_,
                subdistrict=form.cleaned_data["subdistrict"],
                share=form.cleaned_data["excellent_share"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已更新优秀名额比例。"))
    else:
        messages.error(request, _("请选择街道（镇）并填写 0 到 100 之间的比例。"))
    return redirect("trainees:assessment-round", year=round_.year)


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def lock_view(request: HttpRequest, year: int) -> HttpResponse:
    round_ = round_get(year)
    _district(request)
    error = None
    if request.method == "POST":
        try:
            round_lock(round_=round_, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(year)s 年度考核已锁定。") % {"year": round_.year})
            return redirect("trainees:assessment-round", year=round_.year)
    return render(
        request,
        "trainees/assessment_lock.html",
        {
            "round": round_,
            "summary": round_summary(round_=round_, user=request.user),
            "error": error,
            "back": reverse("trainees:assessment-round", args=[round_.year]),
        },
        status=400 if error else 200,
    )


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def unlock_view(request: HttpRequest, year: int) -> HttpResponse:
    round_ = round_get(year)
    _district(request)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_unlock(round_=round_, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("%(year)s 年度考核已解锁。") % {"year": round_.year})
            return redirect("trainees:assessment-round", year=round_.year)
    return render(
        request,
        "trainees/assessment_unlock.html",
        {"round": round_, "form": form},
        status=400 if form.errors else 200,
    )
