from django.db.models import QuerySet

from accounts.capabilities import scope_by_subdistrict
from accounts.models import User

from .models import Neighbourhood, Subdistrict


def subdistrict_scope(user: User) -> QuerySet[Subdistrict]:
    return scope_by_subdistrict(Subdistrict.objects.all(), user, "pk")


def neighbourhood_scope(user: User) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(subdistrict__in=subdistrict_scope(user))
