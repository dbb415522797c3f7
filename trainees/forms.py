from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id
from accounts.models import User
from neighbourhoods.models import Neighbourhood, Subdistrict

from .identity import (
    id_number_mask,
    id_number_validate,
    is_masked,
    mobile_mask,
    mobile_validate,
)
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
        # Editing for someone who sees masked identity (User.sees_full_identity): the page
        # must not carry the stored ID number, birth date or mobile. Blank keeps what is
        # stored; a full new value replaces it after the usual checks.
        self.keeps_stored = bool(self.instance.pk) and not user.sees_full_identity
        if self.keeps_stored:
            self._hide_stored_identity()
        elif self.instance.pk and "id_number" not in self.initial:
            self.initial["id_number"] = self.instance.id_number
        neighbourhoods = Neighbourhood.objects.select_related("subdistrict")
        own = scoped_subdistrict_id(user)
        if own is not None:
            self.fields["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)
            self.fields["subdistrict"].initial = own
            neighbourhoods = neighbourhoods.filter(subdistrict_id=own)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = lambda n: (
            f"{n.subdistrict.name} · {n.name}"
        )

    def _hide_stored_identity(self) -> None:
        trainee = self.instance
        self.initial["id_number"] = ""
        self.initial["mobile"] = ""
        id_field = self.fields["id_number"]
        id_field.required = False
        id_field.widget.attrs["placeholder"] = id_number_mask(trainee.id_number)
        id_field.help_text = _(
            "留空则保留原号码；更正时请填写完整的18位号码，出生日期和性别随之核对。"
        )
        if trainee.mobile:
            mobile = self.fields["mobile"]
            mobile.widget.attrs["placeholder"] = mobile_mask(trainee.mobile)
            mobile.help_text = _("留空则保留原手机号；更换时请填写完整的11位号码。")
        # Derived from the ID number (trainee_rule_errors), never shown or typed here.
        del self.fields["birth_date"]

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"]
        if self.keeps_stored and self._unchanged(value, id_number_mask(self.instance.id_number)):
            return self.instance.id_number
        return id_number_validate(value)

    def clean_mobile(self) -> str:
        value = self.cleaned_data.get("mobile", "")
        if self.keeps_stored and self._unchanged(value, mobile_mask(self.instance.mobile)):
            return self.instance.mobile
        return mobile_validate(value) if value else ""

    @staticmethod
    def _unchanged(value: str, masked: str) -> bool:
        # Blank, or the placeholder typed back as it was shown.
        value = (value or "").strip()
        return not value or (is_masked(value) and value == masked)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.keeps_stored and cleaned.get("id_number") not in (None, self.instance.id_number):
            # A corrected number brings its own birth date (the service derives it from None).
            cleaned["birth_date"] = None
        return cleaned

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
