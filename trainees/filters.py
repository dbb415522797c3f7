import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id
from core.params import parse_id
from neighbourhoods.models import HousingType, Neighbourhood, Subdistrict

from .models import Education, Post, Trainee, TraineeStatus
from .selectors import trainee_search_q


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
        self._offer_committees_of_one_subdistrict(own)

    def _offer_committees_of_one_subdistrict(self, own: int | None) -> None:
        """The committee drop-down lists the committees of one subdistrict — the chosen one, or
        the user's own — never the whole city's (9,250 options at 100,000 workers were most of
        the page, issue 13). Any committee in scope is still accepted (a link with only
        ?neighbourhood=), and a chosen one stays selected."""
        field = self.form.fields["neighbourhood"]
        chosen = self.data.get("subdistrict") if self.data else None
        subdistrict = own or parse_id(chosen)
        selected = parse_id(self.data.get("neighbourhood") if self.data else None)
        offered = field.queryset.filter(subdistrict_id=subdistrict) if subdistrict else None
        if offered is None:
            offered = field.queryset.none()
            field.help_text = _("先选择街道（镇），再选择居委会。")
        if selected:
            offered = offered | field.queryset.filter(pk=selected)
        field.widget.choices = [("", field.empty_label), *((n.pk, str(n)) for n in offered)]

    def filter_search(self, queryset, name, value):
        return queryset.filter(trainee_search_q(value)) if value else queryset
