import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import sees_places
from neighbourhoods.choices import offer_committees_of_one_subdistrict
from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.models import Education, Post, Trainee
from trainees.selectors import trainee_scope

from .forms import housing_choices
from .models import Certificate, Level
from .rules import RegistrationStatus
from .selectors import eligible_q, entry_levels, rule_rows


def _scope_choices(filterset, user, prefix: str = "") -> None:
    own = user.subdistrict_id if user is not None and user.is_subdistrict_admin else None
    if own is not None:
        filterset.filters["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)
        filterset.filters["neighbourhood"].queryset = Neighbourhood.objects.filter(
            subdistrict_id=own
        ).select_related("subdistrict")
    if "neighbourhood" not in filterset.filters:
        return
    if user is not None and own is None and not sees_places(user):
        # A supervisor's trainees (a worker's own record) sit in a few committees: those are
        # listed, as a plain drop-down; the committee search refuses those who see no places.
        filterset.filters["neighbourhood"].queryset = Neighbourhood.objects.filter(
            pk__in=trainee_scope(user).values("neighbourhood_id")
        )
        return
    field = filterset.form.fields["neighbourhood"]
    offer_committees_of_one_subdistrict(field, filterset.data, own)


def _housing(queryset: QuerySet, prefix: str, value: str) -> QuerySet:
    if value == "office":
        return queryset.filter(**{f"{prefix}neighbourhood__isnull": True})
    return queryset.filter(**{f"{prefix}neighbourhood__housing_type": value}) if value else queryset


class CertificateFilter(django_filters.FilterSet):
    """Certified list, registrations due or lapsed, and CE shortfall: certificates of workers."""

    q = django_filters.CharFilter(
        label=_("姓名"), field_name="trainee__name", lookup_expr="icontains"
    )
    level = django_filters.ModelChoiceFilter(
        label=_("等级"), queryset=Level.objects.all(), empty_label=_("全部")
    )
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("街道（镇）"),
        field_name="trainee__subdistrict",
        queryset=Subdistrict.objects.all(),
        empty_label=_("全部"),
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("居委会"),
        field_name="trainee__neighbourhood",
        queryset=Neighbourhood.objects.select_related("subdistrict"),
        empty_label=_("全部"),
    )
    housing_type = django_filters.ChoiceFilter(
        label=_("住房类型"),
        choices=housing_choices()[1:],
        method="filter_housing",
        empty_label=_("全部"),
    )
    post = django_filters.ChoiceFilter(
        label=_("岗位"), field_name="trainee__post", choices=Post.choices, empty_label=_("全部")
    )
    registration_status = django_filters.ChoiceFilter(
        label=_("登记状态"), choices=RegistrationStatus.choices, empty_label=_("全部")
    )

    class Meta:
        model = Certificate
        fields = ["q", "level", "subdistrict", "neighbourhood", "housing_type", "post"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_choices(self, user)

    def filter_housing(self, queryset, name, value):
        return _housing(queryset, "trainee__", value)


class PipelineFilter(django_filters.FilterSet):
    """Eligible but not certified: workers, narrowed by where they work and by level."""

    q = django_filters.CharFilter(label=_("姓名"), field_name="name", lookup_expr="icontains")
    level = django_filters.ModelChoiceFilter(
        label=_("可报考等级"),
        queryset=Level.objects.none(),  # the entry levels, read when the form is built
        method="filter_level",
        empty_label=_("全部"),
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
        choices=housing_choices()[1:],
        method="filter_housing",
        empty_label=_("全部"),
    )
    post = django_filters.ChoiceFilter(label=_("岗位"), choices=Post.choices, empty_label=_("全部"))
    education = django_filters.ChoiceFilter(
        label=_("学历"), choices=Education.choices, empty_label=_("全部")
    )
    major_is_social_work = django_filters.BooleanFilter(
        label=_("社会工作专业"),
        widget=forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )

    class Meta:
        model = Trainee
        fields = ["q", "level", "subdistrict", "neighbourhood", "housing_type", "post", "education"]

    def __init__(self, *args, user=None, exam_year: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.exam_year = exam_year
        # Workers without a certificate may sit the levels whose rules ask for none.
        self.filters["level"].queryset = entry_levels().order_by("rank")
        _scope_choices(self, user)

    def filter_housing(self, queryset, name, value):
        return _housing(queryset, "", value)

    def filter_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(eligible_q(level=value, rules=rule_rows(), exam_year=self.exam_year))
