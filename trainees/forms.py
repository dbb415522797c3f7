from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from neighbourhoods.models import Neighbourhood, Subdistrict

from .identity import id_number_validate, mobile_validate
from .models import Trainee, TraineeStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TraineeForm(forms.ModelForm):
    """Checks the shape of each field; the service checks the rules that span fields and scope."""

    # Not a model field: the model stores it encrypted (trainees/pii.py).
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=40,  # full-width input is longer before normalising
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "maxlength": 40}),
        help_text=_("18位，最后一位可为X；性别和出生日期可留空，将按身份证号自动填写。"),
    )

    class Meta:
        model = Trainee
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "mobile",
            "political_status",
            "subdistrict",
            "neighbourhood",
            "post",
            "grade",
            "education",
            "major",
            "major_is_social_work",
            "started_community_work",
            "joined",
        ]
        widgets = {
            "birth_date": DateInput(),
            "started_community_work": DateInput(),
            "joined": DateInput(),
            "mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "neighbourhood": _("留空表示在街道社区办工作。"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        if self.instance.pk and "id_number" not in self.initial:
            self.initial["id_number"] = self.instance.id_number
        neighbourhoods = Neighbourhood.objects.select_related("subdistrict")
        if user.is_subdistrict_admin:
            self.fields["subdistrict"].queryset = Subdistrict.objects.filter(pk=user.subdistrict_id)
            self.fields["subdistrict"].initial = user.subdistrict_id
            neighbourhoods = neighbourhoods.filter(subdistrict_id=user.subdistrict_id)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = lambda n: (
            f"{n.subdistrict.name} · {n.name}"
        )

    def clean_id_number(self) -> str:
        return id_number_validate(self.cleaned_data["id_number"])

    def clean_mobile(self) -> str:
        value = self.cleaned_data.get("mobile", "")
        return mobile_validate(value) if value else ""

    def _post_clean(self) -> None:
        # The service runs full_clean(); here only the fields' own validation applies, so that a
        # blank gender or birth date (derived from the ID number) is not refused early.
        pass


class MarkLeftForm(forms.Form):
    left_on = forms.DateField(label=_("离职日期"), widget=DateInput())


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[
            (TraineeStatus.ACTIVE, TraineeStatus.ACTIVE.label),
            (TraineeStatus.ON_LEAVE, TraineeStatus.ON_LEAVE.label),
        ],
    )
