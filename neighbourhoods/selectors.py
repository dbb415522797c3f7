from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import User
from trainees.models import TraineeStatus

from .models import Neighbourhood, Subdistrict

_ACTIVE = Q(trainees__status=TraineeStatus.ACTIVE)


def subdistrict_scope(user: User) -> QuerySet[Subdistrict]:
    if user.sees_whole_district:
        return Subdistrict.objects.all()
    if user.is_subdistrict_admin:
        return Subdistrict.objects.filter(pk=user.subdistrict_id)
    return Subdistrict.objects.none()


def subdistrict_list(*, user: User) -> QuerySet[Subdistrict]:
    """Subdistricts with their committee count and active headcount, in one query."""
    return subdistrict_scope(user).annotate(
        neighbourhood_count=Count("neighbourhoods", distinct=True),
        active_count=Count("trainees", filter=_ACTIVE, distinct=True),
        office_count=Count(
            "trainees", filter=_ACTIVE & Q(trainees__neighbourhood__isnull=True), distinct=True
        ),
    )


def neighbourhood_list(
    *, user: User, subdistrict: Subdistrict | None = None
) -> QuerySet[Neighbourhood]:
    qs = Neighbourhood.objects.filter(subdistrict__in=subdistrict_scope(user))
    if subdistrict is not None:
        qs = qs.filter(subdistrict=subdistrict)
    return qs.select_related("subdistrict").annotate(
        active_count=Count("trainees", filter=_ACTIVE),
        party_member_count=Count(
            "trainees",
            filter=_ACTIVE & Q(trainees__political_status__in=["cpc", "cpc_probationary"]),
        ),
        social_work_major_count=Count(
            "trainees", filter=_ACTIVE & Q(trainees__major_is_social_work=True)
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
