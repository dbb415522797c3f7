"""Training forms: shape only. The services in training/services/ check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id
from accounts.models import User
from core.dates import window_dates
from core.forms import TimeInput
from core.params import parse_id
from neighbourhoods.models import HousingType, Subdistrict
from trainees.forms import DateInput
from trainees.models import Post

from .models import AttendanceStatus, Sitting, TrainingEvent
from .services import AudienceRule


class EventForm(forms.ModelForm):
    class Meta:
        model = TrainingEvent
        fields = ["title", "kind", "organiser", "credited_hours", "counts_as_ce", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "organiser": _("留空表示由区里组织（全区范围）。"),
            "credited_hours": _("全勤可获得的学时；迟到、早退等按学时认定规则折算。"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organiser"]
        field.empty_label = _("区民政局（全区）")
        own = scoped_subdistrict_id(user)
        if own is not None:
            # A subdistrict organises its own trainings only.
            field.queryset = Subdistrict.objects.filter(pk=own)
            field.empty_label = None
            field.required = True
            field.help_text = ""
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] != "all_staff"
            ]


class SittingForm(forms.ModelForm):
    class Meta:
        model = Sitting
        fields = ["date", "start_time", "end_time", "venue", "capacity"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        window_dates(self, "date")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            # Said here in words; the model's check constraint would only name itself.
            self.add_error("end_time", _("结束时间必须晚于开始时间。"))
        return data


class AudienceForm(forms.Form):
    rule = forms.ChoiceField(label=_("报名规则"), widget=forms.RadioSelect)
    subdistrict = forms.ModelChoiceField(
        label=_("街道（镇）"), queryset=Subdistrict.objects.all(), required=False
    )
    housing_type = forms.ChoiceField(
        label=_("住房类型"), choices=[("", "—"), *HousingType.choices], required=False
    )
    posts = forms.MultipleChoiceField(
        label=_("岗位"),
        choices=Post.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, event: TrainingEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = AudienceRule.choices()
        self.fields["rule"].initial = AudienceRule.ALL_ACTIVE
        if event.organiser_id:
            # A subdistrict's event reaches its own workers only.
            self.fields.pop("subdistrict")
            self.fields["rule"].choices = [
                c for c in self.fields["rule"].choices if c[0] != AudienceRule.SUBDISTRICT
            ]

    def params(self) -> dict:
        data = self.cleaned_data
        rule = data["rule"]
        return {
            "rule": rule,
            "subdistrict": data.get("subdistrict") if rule == AudienceRule.SUBDISTRICT else None,
            "housing_type": data.get("housing_type", "") if rule == AudienceRule.HOUSING else "",
            "posts": data.get("posts", []) if rule == AudienceRule.POSTS else [],
        }


class MoveForm(forms.Form):
    sitting = forms.ModelChoiceField(label=_("调到场次"), queryset=Sitting.objects.none())

    def __init__(self, *args, event: TrainingEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = event.sittings.order_by("date", "start_time", "pk")
        self.fields["sitting"].label_from_instance = lambda s: (
            f"{s.date:%m-%d} {s.start_time:%H:%M} · {s.venue}"
        )


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("请假事由"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


STATUS_CHOICES = AttendanceStatus.choices


def marks_from(data) -> dict[int, str]:
    """The marking page's statuses → {enrolment id: status}.

    Two shapes: `status_<enrolment id>` radio fields (the page without JavaScript), and one
    `marks` field "id:status,id:status" that the page's script fills with the changed rows.
    The script's shape exists because Django refuses a request of more than
    DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields, and an all-staff sitting has 2,000 rows.
    """
    marks: dict[int, str] = {}
    for key, value in data.items():
        enrolment_id = parse_id(key[7:]) if key.startswith("status_") else None
        if enrolment_id and value:
            marks[enrolment_id] = value
    for pair in data.get("marks", "").split(","):
        raw_id, _sep, status = pair.partition(":")
        enrolment_id = parse_id(raw_id)
        if enrolment_id and status:
            marks[enrolment_id] = status.strip()
    return marks
