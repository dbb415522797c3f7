import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id
from neighbourhoods.models import Subdistrict

from .models import Assignment, SupervisionMode, Supervisor


class SupervisorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), field_name="name", lookup_expr="icontains")
    home_subdistrict = django_filters.ModelChoiceFilter(
        label=_("所属街道（镇）"), queryset=Subdistrict.objects.all(), empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(
        label=_("来源"), choices=Supervisor.Kind.choices, empty_label=_("全部")
    )
    is_active = django_filters.BooleanFilter(label=_("在任"))

    class Meta:
        model = Supervisor
        fields = ["q", "home_subdistrict", "kind", "is_active"]


class AssignmentFilter(django_filters.FilterSet):
    CURRENT_CHOICES = (("current", _("当前")), ("past", _("已结束")))

    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("街道（镇）"),
        field_name="trainee__subdistrict",
        queryset=Subdistrict.objects.all(),
        empty_label=_("全部"),
    )
    mode = django_filters.ChoiceFilter(
        label=_("督导方式"), choices=SupervisionMode.choices, empty_label=_("全部")
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=CURRENT_CHOICES, method="filter_state", empty_label=_("全部")
    )

    class Meta:
        model = Assignment
        fields = ["q", "subdistrict", "mode", "state"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = scoped_subdistrict_id(user)
        if own is not None:
            self.filters["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)

    def filter_search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(trainee__name__icontains=value) | Q(supervisor__name__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        if value == "current":
            return queryset.filter(ended_on__isnull=True)
        if value == "past":
            return queryset.filter(ended_on__isnull=False)
        return queryset
