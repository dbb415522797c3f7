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
from .models import CareerGrade, ChangeKind, LeaveKind, Post, Trainee, TraineeStatus


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
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (ChangeKind.LEFT, ChangeKind.LEFT.label),
            (ChangeKind.RETIRED, ChangeKind.RETIRED.label),
        ],
        widget=forms.RadioSelect,
        initial=ChangeKind.LEFT,
        required=False,  # a form posted without it (older pages, scripts) records 离职
    )
    left_on = forms.DateField(
        label=_("离职（退休）日期"),
        widget=DateInput(),
        help_text=_("不再在册的第一天。"),
    )
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or ChangeKind.LEFT


# The changes 办理变动 records, in the order the form lists them (trainees.history.TRANSITIONS
# says from which states each may be made; 入职 is the create form, the rest are imports).
CHANGE_KINDS = (
    ChangeKind.TRANSFER,
    ChangeKind.POST,
    ChangeKind.GRADE,
    ChangeKind.LEAVE,
    ChangeKind.RETURN,
    ChangeKind.SECONDMENT,
    ChangeKind.LEFT,
    ChangeKind.RETIRED,
    ChangeKind.REHIRED,
)
# Which of the optional fields each kind reads (the page's script shows only these; without
# it every field shows and the others are ignored).
CHANGE_FIELDS: dict[str, tuple[str, ...]] = {
    "subdistrict": (ChangeKind.TRANSFER, ChangeKind.REHIRED),
    "neighbourhood": (ChangeKind.TRANSFER, ChangeKind.REHIRED),
    "post": (ChangeKind.TRANSFER, ChangeKind.POST, ChangeKind.REHIRED),
    "grade": (ChangeKind.GRADE, ChangeKind.REHIRED),
    "leave_kind": (ChangeKind.LEAVE,),
}


class ChangeForm(forms.Form):
    """办理变动: one dated change of a worker's history. The form checks that the fields the
    kind needs are there; trainees.history.history_change checks the rules (dates, states,
    scope) and its errors are shown next to these fields."""

    kind = forms.ChoiceField(
        label=_("变动类型"), choices=[("", "---------")] + [(k, k.label) for k in CHANGE_KINDS]
    )
    effective_on = forms.DateField(
        label=_("生效日期"),
        widget=DateInput(),
        help_text=_("变动生效的第一天；离职、退休为不再在册的第一天。"),
    )
    subdistrict = forms.ModelChoiceField(
        label=_("调往街道（镇）"),
        queryset=Subdistrict.objects.all(),
        required=False,
        help_text=_("调动、再次入职时填写。"),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("调往居委会"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        help_text=_("调动、再次入职时填写；留空表示在街道社区办工作。"),
    )
    post = forms.ChoiceField(
        label=_("岗位"),
        choices=[("", "---------"), *Post.choices],
        required=False,
        help_text=_("岗位变动时填写；调动、再次入职时如岗位也变化请一并填写。"),
    )
    grade = forms.ModelChoiceField(
        label=_("岗位等级"),
        queryset=CareerGrade.objects.all(),
        required=False,
        help_text=_("调级时填写；再次入职时如等级变化请一并填写。"),
    )
    leave_kind = forms.ChoiceField(
        label=_("休假类别"),
        choices=[("", "---------"), *LeaveKind.choices],
        required=False,
        help_text=_("休假时填写。"),
    )
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        required=False,
        help_text=_("补登或更正过去的记录须填写原因。"),
    )
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)

    def __init__(self, *args, trainee: Trainee, user: User, **kwargs):
        initial = {
            "subdistrict": trainee.subdistrict_id,
            "neighbourhood": trainee.neighbourhood_id,
            "post": trainee.post,
            "grade": trainee.grade_id,
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        neighbourhoods = Neighbourhood.objects.select_related("subdistrict")
        own = scoped_subdistrict_id(user)
        if own is not None:
            # A transfer to another subdistrict is the district's (history_change says so too).
            self.fields["subdistrict"].queryset = Subdistrict.objects.filter(pk=own)
            neighbourhoods = neighbourhoods.filter(subdistrict_id=own)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = lambda n: (
            f"{n.subdistrict.name} · {n.name}"
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        for name, kinds in CHANGE_FIELDS.items():
            if kind not in kinds:
                cleaned[name] = None if name in ("subdistrict", "neighbourhood", "grade") else ""
        if kind in CHANGE_FIELDS["subdistrict"]:
            neighbourhood = cleaned.get("neighbourhood")
            if neighbourhood is not None and cleaned.get("subdistrict") is None:
                cleaned["subdistrict"] = neighbourhood.subdistrict
            if kind == ChangeKind.TRANSFER and cleaned.get("subdistrict") is None:
                self.add_error("subdistrict", _("请选择调往的街道（镇）。"))
        if kind == ChangeKind.POST and not cleaned.get("post"):
            self.add_error("post", _("请选择新的岗位。"))
        if kind == ChangeKind.GRADE and cleaned.get("grade") is None:
            self.add_error("grade", _("请选择新的岗位等级。"))
        if kind == ChangeKind.LEAVE and not cleaned.get("leave_kind"):
            self.add_error("leave_kind", _("请选择休假类别。"))
        return cleaned

    def change_arguments(self) -> dict:
        """The keyword arguments of history_change for the cleaned form (post None: unchanged)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "effective_on": data["effective_on"],
            "reason": data["reason"],
            "document_no": data["document_no"],
            "subdistrict": data["subdistrict"],
            "neighbourhood": data["neighbourhood"],
            "post": data["post"] or None,
            "grade": data["grade"],
            "leave_kind": data["leave_kind"] or "",
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[
            (TraineeStatus.ACTIVE, TraineeStatus.ACTIVE.label),
            (TraineeStatus.ON_LEAVE, TraineeStatus.ON_LEAVE.label),
        ],
    )
