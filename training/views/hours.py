"""Credited hours per worker per year: the page and its export."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from accounts.capabilities import capability_required, sees_others_training
from audit.services import audit_export
from core.dates import year_range
from core.pagination import BoundedPaginator
from core.params import parse_id
from core.spreadsheets import spreadsheet_response

from ..selectors import (
    hours_per_worker,
)
from ..tables import HoursTable


def _year(request: HttpRequest) -> int:
    year = parse_id(request.GET.get("year"))
    return year if year in year_range() else timezone.localdate().year


def hours_view(request: HttpRequest) -> HttpResponse:
    if not sees_others_training(request.user):
        return redirect("training:mine")  # a worker's own hours are there
    year = _year(request)
    q = request.GET.get("q", "").strip()
    table = HoursTable(hours_per_worker(user=request.user, year=year, search=q))
    RequestConfig(
        request, paginate={"per_page": 50, "paginator_class": BoundedPaginator}
    ).configure(table)
    this = timezone.localdate().year
    return render(
        request,
        "training/hours.html",
        {"table": table, "year": year, "years": range(this, this - 4, -1), "q": q},
    )


@capability_required(sees_others_training)
def hours_export(request: HttpRequest, fmt: str) -> HttpResponse:
    year = _year(request)
    qs = hours_per_worker(user=request.user, year=year, search=request.GET.get("q", ""))
    audit_export(
        actor=request.user,
        what="training.hours",
        filters={"year": year, "q": request.GET.get("q", "")},
    )
    headers = [_("姓名"), _("街道（镇）"), _("居委会"), _("认定学时"), _("其中继续教育")]
    rows = (
        [t.name, t.subdistrict.name, t.workplace, t.hours, t.ce_hours]
        for t in qs.order_by("subdistrict__code", "neighbourhood__name", "name", "pk")
    )
    return spreadsheet_response(
        headers, rows, fmt=fmt, filename=f"{_('培训学时')}-{year}", sheet_title=_("培训学时")
    )
