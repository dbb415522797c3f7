from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import scoped_subdistrict_id, sees_full_identity
from accounts.models import User
from neighbourhoods.models import Subdistrict


class WorkbookRequestForm(forms.Form):
    """The date and, for district staff, the scope (empty = the district)."""

    as_of = forms.DateField(
        label=_("数据截至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    subdistrict = forms.ModelChoiceField(
        label=_("范围"),
        queryset=Subdistrict.objects.none(),
        required=False,
        empty_label=_("长宁区（全区）"),
    )
    full_id = forms.BooleanField(
        label=_("名单含完整身份证号（将记录在审计日志中）"),
        required=False,
        help_text=_("未勾选时身份证号只显示后四位。"),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        if not sees_full_identity(user):
            del self.fields["full_id"]
        own = scoped_subdistrict_id(user)
        field = self.fields["subdistrict"]
        if own is not None:
            # A subdistrict office's workbook is always its own subdistrict's.
            field.queryset = Subdistrict.objects.filter(pk=own)
            field.empty_label, field.initial, field.required = None, own, True
        else:
            field.queryset = Subdistrict.objects.order_by("code")
