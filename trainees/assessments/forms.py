"""Forms of the assessment pages: they check the shape of input; the services the rules."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neighbourhoods.models import Subdistrict

from .models import AssessmentResult
from .services import Entry

NOTE_LENGTH = 200


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    excellent_share = forms.IntegerField(
        label=_("优秀比例（%）"), min_value=0, max_value=100, initial=15
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The year just ended is the one usually assessed (the round runs in its December).
        self.fields["year"].initial = timezone.localdate().year


class QuotaForm(forms.Form):
    subdistrict = forms.ModelChoiceField(label=_("街道（镇）"), queryset=Subdistrict.objects.all())
    excellent_share = forms.IntegerField(
        label=_("优秀比例（%）"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("留空则使用本年度的统一比例。"),
    )


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("解锁原因"), max_length=200)


class BulkEntryForm(forms.Form):
    """One result and one note per row of the page; the page's rows are named in `rows`, so a
    page that changed under the user (another office saved, a filter moved a row) is refused
    rather than saved against rows they did not see."""

    rows = forms.CharField(label=_("名单"), widget=forms.HiddenInput)

    def __init__(self, *args, row_ids: Sequence[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.row_ids = list(row_ids)
        choices = [("", _("未录入")), *AssessmentResult.choices]
        for pk in self.row_ids:
            self.fields[f"result_{pk}"] = forms.ChoiceField(
                label=_("考核结果"), choices=choices, required=False
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("备注"), max_length=NOTE_LENGTH, required=False
            )
        self.fields["rows"].initial = ",".join(str(pk) for pk in self.row_ids)

    def clean_rows(self) -> str:
        rows = self.cleaned_data["rows"]
        if rows != ",".join(str(pk) for pk in self.row_ids):
            raise forms.ValidationError(_("名单已有变化，请刷新页面后重新录入。"))
        return rows

    def entries(self) -> list[Entry]:
        return [
            Entry(
                trainee_id=pk,
                result=self.cleaned_data[f"result_{pk}"],
                note=self.cleaned_data[f"note_{pk}"].strip(),
            )
            for pk in self.row_ids
        ]

    def row(self, pk: int) -> tuple[forms.BoundField, forms.BoundField]:
        return self[f"result_{pk}"], self[f"note_{pk}"]
