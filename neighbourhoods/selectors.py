from django.db.models import QuerySet

from accounts.models import User

from .models import Neighbourhood, Subdistrict


def subdistrict_scope(user: User) -> QuerySet[Subdistrict]:
    if user.sees_whole_district:
        return Subdistrict.objects.all()
    if user.is_subdistrict_admin:
        return Subdistrict.objects.filter(pk=user.subdistrict_id)
    return Subdistrict.objects.none()


def neighbourhood_scope(user: User) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(subdistrict__in=subdistrict_scope(user))
