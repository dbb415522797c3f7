from django.contrib import admin

from audit.admin_mixins import AuditedAdmin

from .models import CareerGrade, Trainee
from .selectors import trainee_search_q
from .services import AUDITED_FIELDS


@admin.register(CareerGrade)
class CareerGradeAdmin(admin.ModelAdmin):
    list_display = ("level", "name")
    search_fields = ("name",)


@admin.register(Trainee)
class TraineeAdmin(AuditedAdmin):
    audit_fields = AUDITED_FIELDS
    list_display = ("name", "gender", "subdistrict", "neighbourhood", "post", "education", "status")
    list_filter = ("status", "subdistrict", "post", "education", "political_status", "gender")
    # The ID number is searched through the roster's rule (its tail or its keyed hash).
    search_fields = ("name", "mobile")
    list_select_related = ("subdistrict", "neighbourhood")
    autocomplete_fields = ("neighbourhood", "user")
    date_hierarchy = "joined"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            queryset |= self.model.objects.filter(trainee_search_q(search_term))
        return queryset, may_have_duplicates
