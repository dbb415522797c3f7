"""The grant list's filters: status, level, search; the subdistrict for the district."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id
from neighbourhoods.models import Subdistrict
from trainees.models import Trainee
from trainees.selectors import trainee_search_q

from ..models import Certificate, Level
from .rules import GrantStatus


class GrantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("姓名或身份证号后几位"), "type": "search"}),
    )
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("街道（镇）"),
        queryset=Subdistrict.objects.all(),
        empty_label=_("全部"),
        method="filter_subdistrict",
    )
    level = django_filters.ModelChoiceFilter(
        label=_("证书等级"), queryset=Level.objects.all(), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=GrantStatus.choices, empty_label=_("全部"), method="filter_status"
    )

    class Meta:
        model = Certificate
        fields = ["q", "subdistrict", "level", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = scoped_subdistrict_id(user)
        if own is not None:
            self.filters["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)

    def filter_search(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(trainee__in=Trainee.objects.filter(trainee_search_q(value)))

    def filter_subdistrict(self, queryset, name, value):
        return queryset.filter(place_subdistrict_id=value.pk) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value) if value else queryset
