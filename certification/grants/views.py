"""The grant pages: the year's list with totals, marking payments (with a confirmation), the
scheme's rows, undoing a payment, and the finance export. Thin: selectors scope, services
decide."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.capabilities import (
    capability_required,
    manages_subdistrict,
    sees_full_identity,
    sees_places,
)
from audit.services import audit_export
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from core.spreadsheets import spreadsheet_response
from trainees.assessments.models import AssessmentResult, AssessmentRound, RoundStatus
from trainees.identity import id_number_mask

from .filters import GrantFilter
from .forms import CancelForm, PayForm, RuleForm
from .models import GrantPayment
from .rules import GrantStatus, HoldReason
from .selectors import grant_rows, grant_rules, grant_totals, round_locked
from .services import grant_payment_cancel, grant_rule_set, grants_pay

PER_PAGE = 50
FIRST_YEAR = 2000


def _year(request: HttpRequest) -> int:
    """The year asked for, else the latest year whose assessment is locked (the grants follow
    it), else this year."""
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= today.year:
        return int(raw)
    latest = (
        AssessmentRound.objects.filter(status=RoundStatus.LOCKED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest or today.year


def _filtered(request: HttpRequest, year: int, locked: bool):
    filterset = GrantFilter(
        request.GET or None,
        queryset=grant_rows(user=request.user, year=year, locked=locked),
        user=request.user,
    )
    if filterset.is_bound and not filterset.is_valid():
        return filterset, filterset.queryset.none()
    return filterset, filterset.qs if filterset.is_bound else filterset.queryset


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def grant_list_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    locked = round_locked(year)
    filterset, rows = _filtered(request, year, locked)
    is_district = manages_subdistrict(request.user, None)
    pay_form = PayForm(request.POST or None) if is_district else None
    if request.method == "POST":
        if pay_form is None:
            raise PermissionDenied(_("只有区级管理员可以登记奖励发放。"))
        response = _pay(request, pay_form, rows, year)
        if response is not None:
            return response
    page = BoundedPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    totals, total = grant_totals(rows)
    return render(
        request,
        "certification/grants.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1)[:10],
            "locked": locked,
            "filter": filterset,
            "page": page,
            "totals": totals,
            "total": total,
            "pay_form": pay_form,
            "rules": grant_rules(),
            "rule_form": RuleForm() if is_district else None,
            "is_district": is_district,
            "statuses": dict(GrantStatus.choices),
            "holds": dict(HoldReason.choices),
            "results": dict(AssessmentResult.choices),
            "query": _query_without(request, "page"),
        },
        status=400 if pay_form is not None and pay_form.errors else 200,
    )


def _pay(request: HttpRequest, form: PayForm, rows, year: int) -> HttpResponse | None:
    """First POST: a confirmation with the count and the amount; second (`confirm`): record."""
    if not form.is_valid():
        return None
    if form.cleaned_data["which"] == PayForm.ALL:
        ids = list(rows.filter(status=GrantStatus.OWED).values_list("pk", flat=True)[:5001])
    else:
        ids = form.ticked(request.POST)
    if not ids:
        form.add_error(None, _("请至少选择一名应发放人员。"))
        return None
    if not request.POST.get("confirm"):
        chosen = rows.filter(pk__in=ids)
        owed = chosen.filter(status=GrantStatus.OWED)
        _totals, total = grant_totals(chosen)
        return render(
            request,
            "certification/grants_confirm.html",
            {
                "year": year,
                "form": form,
                "ids": ",".join(str(i) for i in ids),
                "chosen": len(ids),
                "owed": total.owed,
                "amount": total.owed_amount,
                "sample": owed.select_related(None).select_related("trainee", "level")[:10],
                "query": request.GET.urlencode(),
            },
        )
    try:
        payments = grants_pay(
            actor=request.user,
            year=year,
            certificate_ids=ids,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        )
    except ValidationError as exc:
        attach_service_errors(form, exc)
        return None
    amount = sum((p.amount for p in payments), Decimal("0"))
    messages.success(
        request,
        _("已登记 %(count)s 人的证书奖励发放，共 %(amount)s 元。")
        % {"count": len(payments), "amount": f"{amount:,.2f}"},
    )
    return redirect(f"{reverse('certification:grant-list')}?{request.GET.urlencode()}")


@require_POST
@capability_required(sees_places)
def grant_rule_view(request: HttpRequest) -> HttpResponse:
    if not manages_subdistrict(request.user, None):
        raise PermissionDenied(_("只有区级管理员可以修改证书奖励标准。"))
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            grant_rule_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存证书奖励标准。"))
    else:
        messages.error(
            request,
            " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    return redirect(f"{reverse('certification:grant-list')}?{request.GET.urlencode()}")


@capability_required(sees_places)
@require_http_methods(["GET", "POST"])
def grant_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not manages_subdistrict(request.user, None):
        raise PermissionDenied(_("只有区级管理员可以撤销奖励发放记录。"))
    payment = get_object_or_404(
        GrantPayment.objects.select_related("certificate__trainee", "certificate__level"), pk=pk
    )
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant_payment_cancel(
                actor=request.user, payment=payment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已撤销该发放记录。"))
            return redirect(f"{reverse('certification:grant-list')}?year={payment.year}")
    return render(
        request,
        "certification/grant_cancel.html",
        {"payment": payment, "form": form},
        status=400 if form.errors else 200,
    )


def export_headers(*, full: bool) -> list[str]:
    return [
        _("街道（镇）"),
        _("居委会"),
        _("姓名"),
        _("身份证号") if full else _("身份证号（后四位）"),
        _("证书等级"),
        _("证书编号"),
        _("发证日期"),
        _("年度考核"),
        _("奖励金额（元）"),
        _("状态"),
        _("原因"),
        _("发放日期"),
        _("发放凭证号"),
    ]


def export_rows(rows, *, full: bool):
    statuses = dict(GrantStatus.choices)
    holds = dict(HoldReason.choices)
    results = dict(AssessmentResult.choices)
    for c in rows.iterator(chunk_size=2000):
        payment = getattr(c, "grant_payment", None)
        t = c.trainee
        yield [
            c.place_subdistrict,
            c.place_committee or _("街道社区办"),
            t.name,
            t.id_number if full else id_number_mask("0" * 14 + t.id_number_tail),
            c.level.name,
            c.number,
            c.date_issued,
            str(results.get(c.result, "")) if c.result else "",
            payment.amount if payment else c.due,
            str(statuses[c.status]),
            str(holds.get(c.hold, "")) if c.hold else "",
            payment.paid_on if payment else None,
            payment.reference if payment else "",
        ]


@capability_required(sees_places)
def grant_export_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    _filterset, rows = _filtered(request, year, round_locked(year))
    full = sees_full_identity(request.user)
    audit_export(
        actor=request.user,
        what="certification.grants",
        filters=dict(request.GET.items()),
        full_id=full,
    )
    totals, total = grant_totals(rows)
    summary = [[]]
    for one in [*totals, total]:
        summary.append(
            [
                one.name or _("合计"),
                _("应发放 %(n)s 人") % {"n": one.owed},
                "",
                "",
                "",
                "",
                "",
                "",
                one.owed_amount,
                _("已发放 %(n)s 人，%(amount)s 元") % {"n": one.paid, "amount": one.paid_amount},
                _("待考核锁定 %(w)s 人，不予发放 %(h)s 人") % {"w": one.waiting, "h": one.held},
                "",
                "",
            ]
        )

    def all_rows():
        yield from export_rows(rows, full=full)
        yield from summary

    return spreadsheet_response(
        export_headers(full=full),
        all_rows(),
        fmt="xlsx",
        filename=_("%(year)s年度证书奖励名单") % {"year": year},
        sheet_title=_("证书奖励"),
    )
