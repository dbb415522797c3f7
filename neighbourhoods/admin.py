from django.contrib import admin
from django.db.models import Count

from .models import Neighbourhood, Subdistrict


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "neighbourhood_count")
    list_filter = ("kind",)
    search_fields = ("name", "code")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n=Count("neighbourhoods"))

    @admin.display(description="居委会数", ordering="_n")
    def neighbourhood_count(self, obj):
        return obj._n


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ("name", "subdistrict", "housing_type", "households")
    list_filter = ("subdistrict", "housing_type")
    search_fields = ("name",)
    list_select_related = ("subdistrict",)
