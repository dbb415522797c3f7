import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateWindow
from trainees.forms import DateInput

from .models import SupervisionMode, Supervisor


class CoverageDateForm(forms.Form):
    """The coverage board's as-of date (`?on=`), in the window every date parameter uses."""

    on = forms.DateField(
        label=_("统计日期"), widget=DateInput(), required=False, validators=[DateWindow()]
    )

    def as_of(self, today: dt.date) -> dt.date:
        """The valid date, or `today` (an invalid one keeps its message beside the field)."""
        if self.is_bound and self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]
        return today


class AssignmentForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("督导师"), queryset=Supervisor.objects.none())
    mode = forms.ChoiceField(label=_("督导方式"), choices=SupervisionMode.choices)
    started_on = forms.DateField(label=_("开始日期"), widget=DateInput(), validators=[DateWindow()])
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args, supervisors, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisor"].label_from_instance = lambda s: (
            _("%(name)s（%(home)s，已带 %(load)d/%(capacity)d）")
            % {
                "name": s.name,
                "home": s.home_subdistrict.name,
                "load": s.load,
                "capacity": s.capacity,
            }
        )
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("调整原因")


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput(), validators=[DateWindow()])
    end_reason = forms.CharField(label=_("结束原因"), max_length=200)
