from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id
from accounts.models import User
from core.dates import DateWindow, year_range
from neighbourhoods.models import Subdistrict
from trainees.forms import DateInput

from .models import LANGUAGES
from .periods import PeriodKind, periods_per_year


class PeriodForm(forms.Form):
    """A period and, for district users, an optional subdistrict (empty = the district)."""

    kind = forms.ChoiceField(label=_("报告周期"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("年份"))
    number = forms.IntegerField(
        label=_("期数"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("月度填月份（1–12），季度填 1–4，半年填 1（上半年）或 2，年度填 1。"),
    )
    subdistrict = forms.ModelChoiceField(
        label=_("范围"),
        queryset=Subdistrict.objects.none(),
        required=False,
        empty_label=_("长宁区（全区）"),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        years = year_range()
        self.fields["year"].widget.attrs.update(min=years[0], max=years[-1])
        own = scoped_subdistrict_id(user)
        if own is not None:
            # Their own subdistrict is the only choice the form offers.
            field = self.fields["subdistrict"]
            field.queryset = Subdistrict.objects.filter(pk=own)
            field.empty_label, field.initial = None, own
        else:
            self.fields["subdistrict"].queryset = Subdistrict.objects.order_by("code")

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        years = year_range()
        if year not in years:
            raise forms.ValidationError(
                _("年份应在 %(first)d 到 %(last)d 之间。"),
                params={"first": years[0], "last": years[-1]},
            )
        return year

    def clean(self) -> dict:
        data = super().clean()
        kind, number = data.get("kind"), data.get("number")
        if kind and number and number > periods_per_year(kind):
            self.add_error("number", _("期数超出该周期的范围。"))
        return data


class ReportRequestForm(PeriodForm):
    language = forms.ChoiceField(label=_("语言"), choices=LANGUAGES, initial="zh-hans")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["kind"].initial = PeriodKind.YEAR
        # A subdistrict administrator's report is always their own subdistrict's.
        self.fields["subdistrict"].required = scoped_subdistrict_id(user) is not None


class CommentaryForm(forms.Form):
    text = forms.CharField(
        label=_("分析与说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("保存后，本周期、本范围已生成的报表会按新内容重新生成。"),
    )


class StaffingForm(forms.Form):
    """The staffing page's filters: a date (today when empty), a subdistrict for district
    users (a subdistrict office sees its own only) and the order of the committees."""

    SORTS = (
        ("place", _("街道（镇）、居委会")),
        ("per_10k", _("每万人配备数（低到高）")),
        ("gap", _("差额（缺口大的在前）")),
        ("residents", _("常住人口（多到少）")),
        ("workers", _("在册人数（多到少）")),
    )

    on = forms.DateField(
        label=_("统计日期"), widget=DateInput(), required=False, validators=[DateWindow()]
    )
    subdistrict = forms.ModelChoiceField(
        label=_("街道（镇）"),
        queryset=Subdistrict.objects.order_by("code"),
        required=False,
        empty_label=_("全区"),
    )
    sort = forms.ChoiceField(label=_("排序"), choices=SORTS, required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if scoped_subdistrict_id(user) is not None:
            del self.fields["subdistrict"]  # their own, always

    def value(self, name: str, default=None):
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name) or default
        return default
