from functools import partialmethod
from typing import Any

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, ServiceAdmin

from .forms import TraineeForm
from .models import (
    Assessment,
    AssessmentQuota,
    AssessmentRound,
    CareerGrade,
    Trainee,
    WorkerPeriod,
)
from .selectors import trainee_search_q
from .services import EDITABLE_FIELDS, trainee_create, trainee_link_login, trainee_update


@admin.register(CareerGrade)
class CareerGradeAdmin(admin.ModelAdmin):
    list_display = ("level", "name")
    search_fields = ("name",)


@admin.register(WorkerPeriod)
class WorkerPeriodAdmin(ReadOnlyAdmin):
    """Every worker's periods, to search and filter (e.g. all transfers of a year). Changed only
    on the worker's page (办理变动)."""

    list_display = (
        "trainee",
        "starts_on",
        "ends_on",
        "subdistrict",
        "neighbourhood",
        "post",
        "state",
        "change",
        "document_no",
    )
    list_filter = ("change", "state", "subdistrict", "post")
    search_fields = ("trainee__name", "document_no")
    list_select_related = ("trainee", "subdistrict", "neighbourhood")
    date_hierarchy = "starts_on"


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
    readonly_fields = ("status", "left_on", "history")
    date_hierarchy = "joined"

    @admin.display(description=_("履历"))
    def history(self, obj: Trainee | None) -> str:
        """The worker's periods, read-only (not an inline: its form would have to be posted
        back with every save). Changes are recorded on the worker's page (办理变动)."""
        if obj is None or obj.pk is None:
            return "—"
        rows = obj.periods.select_related("subdistrict", "neighbourhood").order_by("starts_on")
        return format_html_join(
            "",
            "<div>{} – {}　{} {}　{}　{}</div>",
            (
                (
                    f"{p.starts_on:%Y-%m-%d}",
                    f"{p.ends_on:%Y-%m-%d}" if p.ends_on else "",
                    p.subdistrict.name,
                    p.neighbourhood.name if p.neighbourhood_id else _("街道社区办"),
                    p.get_post_display(),
                    p.get_state_display(),
                )
                for p in rows
            ),
        )

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


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdmin):
    """Opened, locked and unlocked on the assessment pages (年度考核), whose services keep the
    quota and the lock; the 优秀 share per subdistrict is set there too."""

    list_display = ("year", "excellent_share", "status", "locked_at", "locked_by")
    list_filter = ("status",)


@admin.register(AssessmentQuota)
class AssessmentQuotaAdmin(ReadOnlyAdmin):
    """Set on the round's page (设定某街道（镇）的优秀比例)."""

    list_display = ("round", "subdistrict", "excellent_share")
    list_select_related = ("round", "subdistrict")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """Entered on the round's page by the subdistrict offices; checked against the quota."""

    list_display = ("trainee", "round", "result", "subdistrict", "entered_by", "entered_at")
    list_filter = ("round", "result", "subdistrict")
    search_fields = ("trainee__name",)
    list_select_related = ("trainee", "round", "subdistrict", "entered_by")
