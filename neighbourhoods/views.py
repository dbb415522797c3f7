from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trainees.models import TraineeStatus
from trainees.selectors import trainee_list

from .selectors import (
    get_neighbourhood_for_user,
    get_subdistrict_for_user,
    neighbourhood_list,
    subdistrict_list,
)


def _require_structure_viewer(request: HttpRequest) -> None:
    user = request.user
    if not (user.sees_whole_district or user.is_subdistrict_admin):
        raise PermissionDenied


def subdistrict_index(request: HttpRequest) -> HttpResponse:
    _require_structure_viewer(request)
    subdistricts = list(subdistrict_list(user=request.user))
    totals = {
        "neighbourhoods": sum(s.neighbourhood_count for s in subdistricts),
        "active": sum(s.active_count for s in subdistricts),
        "office": sum(s.office_count for s in subdistricts),
    }
    return render(
        request,
        "neighbourhoods/subdistrict_list.html",
        {"subdistricts": subdistricts, "totals": totals},
    )


def subdistrict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_structure_viewer(request)
    subdistrict = get_subdistrict_for_user(request.user, pk)
    neighbourhoods = list(neighbourhood_list(user=request.user, subdistrict=subdistrict))
    return render(
        request,
        "neighbourhoods/subdistrict_detail.html",
        {
            "subdistrict": subdistrict,
            "neighbourhoods": neighbourhoods,
            "households": sum(n.households or 0 for n in neighbourhoods),
        },
    )


def neighbourhood_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_structure_viewer(request)
    neighbourhood = get_neighbourhood_for_user(request.user, pk)
    workers = (
        trainee_list(user=request.user)
        .filter(neighbourhood=neighbourhood)
        .order_by("status", "post", "name")
    )
    return render(
        request,
        "neighbourhoods/neighbourhood_detail.html",
        {
            "neighbourhood": neighbourhood,
            "workers": workers,
            "active_status": TraineeStatus.ACTIVE,
        },
    )
