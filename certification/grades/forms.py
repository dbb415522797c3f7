"""Forms of the grade ledger pages: shape only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainees.forms import DateInput
from trainees.models import Post

from .models import TOP_GRADE, RuleKind


class LedgerOpenForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    effective_on = forms.DateField(label=_("调级生效日期"), widget=DateInput())
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        # The year usually reviewed is the one ending; its changes take effect on 1 January.
        self.fields["year"].initial = year
        self.fields["effective_on"].initial = f"{year + 1}-01-01"


class AdjustForm(forms.Form):
    final_level = forms.IntegerField(label=_("核定等级"), min_value=0, max_value=TOP_GRADE)
    reason = forms.CharField(label=_("调整原因"), max_length=200, required=False)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("规则类型"), choices=RuleKind.choices)
    key = forms.CharField(
        label=_("条件"),
        max_length=30,
        help_text=_("工作年限：每满几年；考核：结果代码；证书：等级代码；学历：学历代码"),
    )
    grades = forms.IntegerField(label=_("调整级数"), min_value=-TOP_GRADE, max_value=TOP_GRADE)
    blocks = forms.BooleanField(label=_("当年不予晋级"), required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    note = forms.CharField(label=_("依据"), max_length=200, required=False)


class BandForm(forms.Form):
    post = forms.ChoiceField(label=_("岗位"), choices=Post.choices)
    group = forms.CharField(label=_("岗位类别"), max_length=20)
    lowest = forms.IntegerField(label=_("起点等级"), min_value=1, max_value=TOP_GRADE)
    highest = forms.IntegerField(label=_("最高等级"), min_value=1, max_value=TOP_GRADE)


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=40)
    subdistrict = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    moves = forms.ChoiceField(
        label=_("显示"),
        choices=[("1", _("等级有变动的")), ("all", _("全部人员")), ("adjusted", _("人工调整的"))],
        required=False,
    )
