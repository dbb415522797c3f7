from functools import partialmethod
from typing import Any

from django.contrib import admin

from core.admin import ServiceAdmin

from .forms import TraineeForm
from .models import CareerGrade, Trainee
from .selectors import trainee_search_q
from .services import EDITABLE_FIELDS, trainee_create, trainee_link_login, trainee_update


@admin.register(CareerGrade)
class CareerGradeAdmin(admin.ModelAdmin):
    list_display = ("level", "name")
    search_fields = ("name",)


class TraineeAdminForm(TraineeForm):
    """The roster's own form (the ID number, gender and birth date checked together by the
    service), plus the login linked to the record, which only the admin site sets."""

    class Meta(TraineeForm.Meta):
        fields = [*TraineeForm.Meta.fields, "user"]


@admin.register(Trainee)
class TraineeAdmin(ServiceAdmin):
    """Saved through trainee_create / trainee_update, like the roster's add and edit pages.
    The status and the date left are set on the worker's page (办理离职, 状态), whose
    services keep the rules of leaving; a record is never deleted (rates as of earlier dates
    still count the worker)."""

    form = TraineeAdminForm
    list_display = ("name", "gender", "subdistrict", "neighbourhood", "post", "education", "status")
    list_filter = ("status", "subdistrict", "post", "education", "political_status", "gender")
    # The ID number is searched through the roster's rule (its tail or its keyed hash).
    search_fields = ("name", "mobile")
    list_select_related = ("subdistrict", "neighbourhood")
    autocomplete_fields = ("neighbourhood", "user")
    readonly_fields = ("status", "left_on")
    date_hierarchy = "joined"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # The roster's form shows and checks identity as the user may see it.
        return type(
            form.__name__, (form,), {"__init__": partialmethod(form.__init__, user=request.user)}
        )

    def service_save(self, request, obj: Trainee | None, data: dict[str, Any]) -> Trainee:
        fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
        if obj is None:
            trainee = trainee_create(actor=request.user, **fields)
        else:
            trainee = trainee_update(trainee=obj, actor=request.user, **fields)
        if "user" in data:
            trainee = trainee_link_login(trainee=trainee, user=data["user"], actor=request.user)
        return trainee

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            queryset |= self.model.objects.filter(trainee_search_q(search_term))
        return queryset, may_have_duplicates
