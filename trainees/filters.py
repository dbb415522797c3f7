import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id, sees_places
from neighbourhoods.choices import committee_search_widget
from neighbourhoods.models import HousingType, Neighbourhood, Subdistrict

from .models import Education, Post, Trainee, TraineeStatus
from .selectors import trainee_scope, trainee_search_q


class TraineeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("姓名、身份证号后几位或手机号"), "type": "search"}
        ),
    )
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("街道（镇）"), queryset=Subdistrict.objects.all(), empty_label=_("全部")
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("居委会"),
        queryset=Neighbourhood.objects.select_related("subdistrict"),
        empty_label=_("全部"),
        widget=committee_search_widget(),
    )
    housing_type = django_filters.ChoiceFilter(
        label=_("住房类型"),
        field_name="neighbourhood__housing_type",
        choices=HousingType.choices,
        empty_label=_("全部"),
    )
    post = django_filters.ChoiceFilter(label=_("岗位"), choices=Post.choices, empty_label=_("全部"))
    education = django_filters.ChoiceFilter(
        label=_("学历"), choices=Education.choices, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=TraineeStatus.choices, empty_label=_("全部")
    )

    class Meta:
        model = Trainee
        fields = [
            "q",
            "subdistrict",
            "neighbourhood",
            "housing_type",
            "post",
            "education",
            "status",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = scoped_subdistrict_id(user)
        if own is not None:
            # Choices offered follow the scope, so no one is invited to pick what they cannot see.
            self.filters["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)
            self.filters["neighbourhood"].queryset = Neighbourhood.objects.filter(
                subdistrict_id=own
            ).select_related("subdistrict")
        elif user is not None and not sees_places(user):
            # A supervisor's ten trainees (a worker's own record) sit in a few committees: those
            # are listed, as a plain drop-down; the committee search is for those who see places.
            self.filters["neighbourhood"].queryset = Neighbourhood.objects.filter(
                pk__in=trainee_scope(user).values("neighbourhood_id")
            )
            self.filters["neighbourhood"].extra["widget"] = forms.Select

    def filter_search(self, queryset, name, value):
        return queryset.filter(trainee_search_q(value)) if value else queryset
