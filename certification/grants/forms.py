"""Forms of the grant pages: they check the shape of input; the services the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.params import parse_id
from trainees.forms import DateInput

from ..models import Level

MAX_IDS = 5000


class PayForm(forms.Form):
    """Mark grants paid: the ticked rows, or every owed row the filters select (`all`)."""

    ALL, TICKED = "all", "ticked"
    which = forms.ChoiceField(
        label=_("登记范围"),
        choices=[(TICKED, _("勾选的人员")), (ALL, _("筛选出的全部应发放人员"))],
        initial=TICKED,
        widget=forms.RadioSelect,
    )
    ids = forms.CharField(required=False, widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_("发放日期"), widget=DateInput())
    reference = forms.CharField(label=_("发放凭证号"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()

    def ticked(self, data) -> list[int]:
        """The certificate ids ticked on the page (`cert` checkboxes, or the confirmation's
        hidden list)."""
        raw = data.getlist("cert") or (self.cleaned_data.get("ids") or "").split(",")
        ids = [pk for pk in (parse_id(v) for v in raw) if pk]
        return ids[: MAX_IDS + 1]


class RuleForm(forms.Form):
    level = forms.ModelChoiceField(label=_("证书等级"), queryset=Level.objects.all())
    amount = forms.DecimalField(
        label=_("奖励金额（元）"),
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
    )
    needs_assessment = forms.BooleanField(
        label=_("须当年考核合格及以上"), required=False, initial=True
    )
    valid_from = forms.DateField(label=_("适用于此日起发证的证书"), widget=DateInput())
    note = forms.CharField(label=_("依据"), max_length=200, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
