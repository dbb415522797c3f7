from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.dates import CERTIFICATION_BEGINS, DateWindow, window_dates
from core.params import parse_id
from neighbourhoods.models import HousingType, Subdistrict
from trainees.forms import DateInput
from trainees.models import Post

from .models import ExamYear, ExternalHours, Level, Subject
from .selectors import RateFilters


def housing_choices() -> list[tuple[str, str]]:
    return [("", _("全部")), *HousingType.choices, ("office", _("街道社区办"))]


class RateFilterForm(forms.Form):
    """The dashboard's date and narrowing; choices follow the user's scope."""

    on = forms.DateField(
        label=_("统计日期"), widget=DateInput(), required=False, validators=[DateWindow()]
    )
    subdistrict = forms.ModelChoiceField(
        label=_("街道（镇）"),
        queryset=Subdistrict.objects.all(),
        required=False,
        empty_label=_("全部"),
    )
    housing_type = forms.ChoiceField(label=_("住房类型"), choices=housing_choices, required=False)
    post = forms.ChoiceField(
        label=_("岗位"), choices=[("", _("全部")), *Post.choices], required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.sees_whole_district:
            # Not offered outside the scope; a hand-made URL still gets a 404 (selectors).
            self.fields["subdistrict"].queryset = Subdistrict.objects.filter(pk=user.subdistrict_id)

    def valid_data(self) -> dict:
        """The fields that are valid, even when another is not: a date out of range shows
        its message beside the field, and the other filters still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()  # fills cleaned_data with the fields that passed
        return self.cleaned_data

    def filters(self, raw_subdistrict: str | None) -> RateFilters:
        data = self.valid_data()
        subdistrict = data.get("subdistrict")
        subdistrict_id = subdistrict.pk if subdistrict else None
        if subdistrict_id is None and raw_subdistrict and raw_subdistrict.isdigit():
            # Out of scope or no such subdistrict: let the selector refuse it (0 is no row's id).
            subdistrict_id = parse_id(raw_subdistrict) or 0
        return RateFilters(
            subdistrict_id=subdistrict_id,
            housing_type=data.get("housing_type", ""),
            post=data.get("post", ""),
        )


class AttemptForm(forms.Form):
    """One sitting: the exam year, the level and a score per subject sat (blank = not sat)."""

    exam_year = forms.ModelChoiceField(label=_("考试年度"), queryset=ExamYear.objects.all())
    level = forms.ModelChoiceField(label=_("报考等级"), queryset=Level.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(Subject.objects.select_related("level"))
        for subject in self.subjects:
            self.fields[f"score_{subject.pk}"] = forms.DecimalField(
                label=f"{subject.level.name} · {subject.name}",
                required=False,
                min_value=0,
                max_value=subject.max_score,
                decimal_places=1,
                help_text=_("合格线 %(mark)s 分；未参加的科目留空") % {"mark": subject.pass_mark},
            )

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level is None:
            return data
        data["scores"] = {
            s.pk: data[f"score_{s.pk}"]
            for s in self.subjects
            if s.level_id == level.pk and data.get(f"score_{s.pk}") is not None
        }
        others = [
            s
            for s in self.subjects
            if s.level_id != level.pk and data.get(f"score_{s.pk}") is not None
        ]
        if others:
            raise forms.ValidationError(_("只能填写所选等级的科目成绩。"))
        if not data["scores"]:
            raise forms.ValidationError(_("请至少填写一个科目的成绩。"))
        return data


class RegistrationForm(forms.Form):
    on = forms.DateField(
        label=_("登记日期"), widget=DateInput(), validators=[DateWindow(CERTIFICATION_BEGINS)]
    )


class ExternalHoursForm(forms.ModelForm):
    class Meta:
        model = ExternalHours
        fields = ["date", "hours", "provider", "evidence"]
        widgets = {"date": DateInput()}
        help_texts = {"evidence": _("如证书编号、主办单位出具的学时证明")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        window_dates(self, "date", first=CERTIFICATION_BEGINS)
