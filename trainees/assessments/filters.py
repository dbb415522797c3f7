"""The round page's filters (committee, result, search; the subdistrict for the district)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id
from neighbourhoods.choices import offer_committees_of_one_subdistrict
from neighbourhoods.models import Neighbourhood, Subdistrict

from ..models import Trainee, WorkerPeriod
from ..selectors import trainee_search_q
from .models import AssessmentResult
from .selectors import NOT_ENTERED


class RoundFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("姓名或身份证号后几位"), "type": "search"}),
    )
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("街道（镇）"), queryset=Subdistrict.objects.all(), empty_label=_("全部")
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("居委会"),
        queryset=Neighbourhood.objects.select_related("subdistrict"),
        empty_label=_("全部"),
    )
    result = django_filters.ChoiceFilter(
        label=_("考核结果"),
        choices=[(NOT_ENTERED, _("未录入")), *AssessmentResult.choices],
        empty_label=_("全部"),
        method="filter_result",
    )

    class Meta:
        model = WorkerPeriod
        fields = ["q", "subdistrict", "neighbourhood", "result"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = scoped_subdistrict_id(user)
        if own is not None:
            self.filters["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)
            self.filters["neighbourhood"].queryset = Neighbourhood.objects.filter(
                subdistrict_id=own
            ).select_related("subdistrict")
        offer_committees_of_one_subdistrict(self.form.fields["neighbourhood"])

    def filter_search(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(trainee__in=Trainee.objects.filter(trainee_search_q(value)))

    def filter_result(self, queryset, name, value):
        if value == NOT_ENTERED:
            return queryset.filter(a_id__isnull=True)
        return queryset.filter(a_result=value) if value else queryset
