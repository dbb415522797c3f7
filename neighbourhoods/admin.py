from django.contrib import admin
from django.db.models import Count

from audit.admin_mixins import AuditedAdmin
from core.admin import ReadOnlyAdmin

from .models import Neighbourhood, ResidentPopulation, StaffingNorm, Subdistrict


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


@admin.register(ResidentPopulation)
class ResidentPopulationAdmin(ReadOnlyAdmin):
    """Recorded by the district through the populations import (population_set), which
    audits each figure; the staffing page and the dashboard read them."""

    list_display = ("neighbourhood", "effective_from", "residents", "source", "recorded_by")
    list_filter = ("neighbourhood__subdistrict",)
    search_fields = ("neighbourhood__name",)
    list_select_related = ("neighbourhood__subdistrict", "recorded_by")
    date_hierarchy = "effective_from"


@admin.register(StaffingNorm)
class StaffingNormAdmin(AuditedAdmin):
    """The expected workers per 10,000 residents, from a date (seeded at 18): district
    administrators add a row when the rule changes; each change is in the audit trail."""

    audit_fields = ("effective_from", "workers_per_10k", "source")
    list_display = ("effective_from", "workers_per_10k", "source")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
