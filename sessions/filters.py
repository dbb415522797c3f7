import django_filters
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id, sees_whole_district
from core.widgets import SearchSelect
from neighbourhoods.models import Subdistrict
from supervisors.models import SupervisionMode, Supervisor
from supervisors.options import supervisors_to_filter_logs_by
from trainees.forms import DateInput

from .models import SessionAttendee, SessionStatus, SupervisionSession


class SessionFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        label=_("开始日期"), field_name="date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("结束日期"), field_name="date", lookup_expr="lte", widget=DateInput()
    )
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("街道（镇）"),
        queryset=Subdistrict.objects.all(),
        empty_label=_("全部"),
        method="filter_subdistrict",
    )
    # About 10,000 supervisors at city scale: searched (supervisors.options), not listed.
    supervisor = django_filters.ModelChoiceFilter(
        label=_("督导师"),
        queryset=Supervisor.objects.all(),
        empty_label=_("全部"),
        widget=SearchSelect(reverse_lazy("supervisors:options")),
    )
    mode = django_filters.ChoiceFilter(
        label=_("督导方式"), choices=SupervisionMode.choices, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=SessionStatus.choices, empty_label=_("全部")
    )

    class Meta:
        model = SupervisionSession
        fields = ["date_from", "date_to", "subdistrict", "supervisor", "mode", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None:
            return
        # Choices offered follow the scope, so no one is invited to pick what they cannot see.
        own = scoped_subdistrict_id(user)
        if own is not None:
            self.filters["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)
            self.filters["supervisor"].queryset = supervisors_to_filter_logs_by(user)
        elif not sees_whole_district(user):
            self.filters.pop("supervisor")
            self.filters.pop("subdistrict")

    def filter_subdistrict(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=SessionAttendee.objects.filter(trainee__subdistrict=value).values("session_id")
        )
