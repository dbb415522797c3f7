"""The grade ledger pages: the years and the scheme, a year's proposals with counts, HR's
adjustment of one worker, recomputing and applying (each with a confirmation). Thin: the
selectors scope, the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.capabilities import capability_required, manages_subdistrict, sees_places
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from trainees.models import Trainee
from trainees.selectors import trainee_search_q

from .forms import AdjustForm, BandForm, LedgerOpenForm, ProposalFilterForm, RuleForm
from .models import GradeBand, GradeRule, LedgerJob, RuleKind
from .selectors import ledger_counts, ledger_get, ledger_list, proposal_rows
from .services import (
    grade_band_set,
    grade_rule_set,
    ledger_job_request,
    ledger_open,
    proposal_adjust,
)

PER_PAGE = 50


def _district(request: HttpRequest, message: str) -> None:
    if not manages_subdistrict(request.user, None):
        raise PermissionDenied(message)


def _ledger(year: int):
    ledger = ledger_get(year)
    if ledger is None:
        raise Http404
    return ledger


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def ledger_list_view(request: HttpRequest) -> HttpResponse:
    is_district = manages_subdistrict(request.user, None)
    form = LedgerOpenForm(request.POST or None) if is_district else None
    if request.method == "POST":
        _district(request, _("只有区级管理员可以发起年度调级。"))
        if form.is_valid():
            try:
                ledger = ledger_open(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                attach_service_errors(form, exc)
            else:
                messages.success(
                    request, _("已完成 %(year)s 年度调级测算。") % {"year": ledger.year}
                )
                return redirect("certification:grade-year", year=ledger.year)
    return render(
        request,
        "certification/grade_list.html",
        {
            "ledgers": ledger_list(),
            "form": form,
            "rules": GradeRule.objects.select_related("updated_by"),
            "bands": GradeBand.objects.all(),
            "rule_form": RuleForm() if is_district else None,
            "band_form": BandForm() if is_district else None,
            "is_district": is_district,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
@capability_required(sees_places)
def grade_rule_view(request: HttpRequest) -> HttpResponse:
    _district(request, _("只有区级管理员可以修改调级规则。"))
    if request.POST.get("post"):
        form, service = BandForm(request.POST), grade_band_set
    else:
        form, service = RuleForm(request.POST), grade_rule_set
    if form.is_valid():
        try:
            service(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存。草稿中的年度调级须重新测算才会按新规则计算。"))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("certification:grade-list")


@capability_required(sees_places)
def ledger_view(request: HttpRequest, year: int) -> HttpResponse:
    ledger = _ledger(year)
    rows = proposal_rows(user=request.user, ledger=ledger)
    counts = ledger_counts(rows)
    filters = ProposalFilterForm(request.GET or None)
    shown = rows
    if filters.is_valid():
        data = filters.cleaned_data
        moves = data.get("moves") or "1"
        if moves == "1":
            shown = shown.exclude(final_level=F("from_level"))
        elif moves == "adjusted":
            shown = shown.exclude(final_level=F("proposed_level"))
        if data.get("subdistrict"):
            shown = shown.filter(subdistrict_id=data["subdistrict"])
        if data.get("q"):
            shown = shown.filter(trainee__in=Trainee.objects.filter(trainee_search_q(data["q"])))
    else:
        shown = shown.exclude(final_level=F("from_level"))
    page = BoundedPaginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certification/grade_year.html",
        {
            "ledger": ledger,
            "counts": counts,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "is_district": manages_subdistrict(request.user, None),
            "kinds": dict(RuleKind.choices),
        },
    )


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def proposal_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    if request.method == "POST":
        _district(request, _("只有区级管理员可以调整调级结果。"))
    ledger = _ledger(year)
    proposal = get_object_or_404(proposal_rows(user=request.user, ledger=ledger), pk=pk)
    is_district = manages_subdistrict(request.user, None)
    form = None
    if is_district and not ledger.is_applied:
        form = AdjustForm(
            request.POST or None,
            initial={"final_level": proposal.final_level, "reason": proposal.adjust_reason},
        )
    elif request.method == "POST":
        raise PermissionDenied(_("只有区级管理员可以调整调级结果。"))
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            proposal_adjust(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(
                request, _("已保存 %(name)s 的核定等级。") % {"name": proposal.trainee.name}
            )
            return redirect("certification:grade-year", year=ledger.year)
    return render(
        request,
        "certification/grade_proposal.html",
        {"ledger": ledger, "p": proposal, "form": form, "kinds": dict(RuleKind.choices)},
        status=400 if form is not None and form.errors else 200,
    )


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def ledger_action_view(request: HttpRequest, year: int, action: str) -> HttpResponse:
    """Recompute or apply: a confirmation page, then the POST."""
    if action not in ("recompute", "apply"):
        raise Http404
    _district(request, _("只有区级管理员可以测算或执行年度调级。"))
    ledger = _ledger(year)
    error = ""
    if request.method == "POST":
        job = LedgerJob.APPLY if action == "apply" else LedgerJob.COMPUTE
        try:
            ledger_job_request(actor=request.user, ledger=ledger, job=job)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("已开始执行调级，完成后本页显示结果。")
                if action == "apply"
                else _("已开始重新测算，完成后本页显示结果。"),
            )
            return redirect("certification:grade-year", year=ledger.year)
    counts = ledger_counts(proposal_rows(user=request.user, ledger=ledger))
    return render(
        request,
        "certification/grade_confirm.html",
        {"ledger": ledger, "action": action, "counts": counts, "error": error},
        status=400 if error else 200,
    )
