"""The structure pages (/structure/): subdistricts and committees with their workforce.

Places are neighbourhoods' rows, but every figure on these pages counts workers, so the
pages live with the workers, one layer above the places."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.capabilities import capability_required, sees_places
from accounts.models import User
from neighbourhoods.models import Neighbourhood, Subdistrict
from neighbourhoods.selectors import neighbourhood_scope, subdistrict_scope

from .models import TraineeStatus
from .populations import period_on_duty_q
from .selectors import trainee_list


def _active() -> Q:
    """The structure pages count workers 在岗 today, where they are placed today
    (trainees.populations: one period per worker covers today)."""
    return period_on_duty_q(timezone.localdate(), "worker_periods__")


def subdistrict_list(*, user: User) -> QuerySet[Subdistrict]:
    """Subdistricts with their committee count and active headcount, in one query."""
    active = _active()
    return subdistrict_scope(user).annotate(
        neighbourhood_count=Count("neighbourhoods", distinct=True),
        active_count=Count("worker_periods", filter=active, distinct=True),
        office_count=Count(
            "worker_periods",
            filter=active & Q(worker_periods__neighbourhood__isnull=True),
            distinct=True,
        ),
    )


def neighbourhood_list(
    *, user: User, subdistrict: Subdistrict | None = None
) -> QuerySet[Neighbourhood]:
    qs = neighbourhood_scope(user)
    if subdistrict is not None:
        qs = qs.filter(subdistrict=subdistrict)
    active = _active()
    return qs.select_related("subdistrict").annotate(
        active_count=Count("worker_periods", filter=active),
        party_member_count=Count(
            "worker_periods",
            filter=active
            & Q(worker_periods__trainee__political_status__in=["cpc", "cpc_probationary"]),
        ),
        social_work_major_count=Count(
            "worker_periods", filter=active & Q(worker_periods__trainee__major_is_social_work=True)
        ),
    )


def get_subdistrict_for_user(user: User, pk: int) -> Subdistrict:
    subdistrict = subdistrict_list(user=user).filter(pk=pk).first()
    if subdistrict is None:
        raise Http404
    return subdistrict


def get_neighbourhood_for_user(user: User, pk: int) -> Neighbourhood:
    neighbourhood = neighbourhood_list(user=user).filter(pk=pk).first()
    if neighbourhood is None:
        raise Http404
    return neighbourhood


@capability_required(sees_places)
def subdistrict_index(request: HttpRequest) -> HttpResponse:
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


@capability_required(sees_places)
def subdistrict_detail(request: HttpRequest, pk: int) -> HttpResponse:
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


@capability_required(sees_places)
def neighbourhood_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
