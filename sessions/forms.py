import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateWindow, window_dates
from core.forms import TimeInput
from supervisors.models import Assignment, SupervisionMode, Supervisor
from trainees.forms import DateInput
from trainees.models import Trainee

from .models import Competency, MonthClose, SupervisionSession
from .services import SCORE_MAX, SCORE_MIN, Action, Score, month_start

SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class SessionForm(forms.ModelForm):
    """The log as a supervisor writes it on a phone. Shape only: the service checks the rules.

    Attendees are offered from the supervisor's own active trainees only, so naming someone
    else's trainee is refused as an invalid choice before the service sees it.
    """

    attendees = forms.ModelMultipleChoiceField(
        label=_("参加学员"),
        queryset=Trainee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("师徒式选一名学员；训练式选两名或以上。"),
    )

    class Meta:
        model = SupervisionSession
        fields = [
            "mode",
            "date",
            "start_time",
            "end_time",
            "delivery",
            "place",
            "topic",
            "raised",
            "guidance",
            "next_session_on",
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "next_session_on": DateInput(),
            "raised": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, supervisor: Supervisor, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = list(
            Assignment.objects.filter(supervisor=supervisor, ended_on__isnull=True)
            .select_related("trainee")
            .order_by("mode", "trainee__name", "pk")
        )
        self.modes = {a.trainee_id: a.get_mode_display() for a in pairs}
        self.trainees = [a.trainee for a in pairs]
        field = self.fields["attendees"]
        field.queryset = Trainee.objects.filter(pk__in=[t.pk for t in self.trainees])
        field.label_from_instance = lambda t: f"{t.name}（{self.modes.get(t.pk, '')}）"
        if self.instance.pk and not self.is_bound:
            self.initial["attendees"] = list(
                self.instance.attendees.values_list("trainee_id", flat=True)
            )
            for s in self.instance.scores.all():
                self.initial[f"score_{s.trainee_id}_{s.competency}"] = str(s.score)
                self.initial[f"comment_{s.trainee_id}_{s.competency}"] = s.comment
        for t in self.trainees:
            for code, label in Competency.choices:
                self.fields[f"score_{t.pk}_{code}"] = forms.ChoiceField(
                    label=label, choices=SCORE_CHOICES, required=False
                )
                self.fields[f"comment_{t.pk}_{code}"] = forms.CharField(
                    label=_("评语"),
                    max_length=200,
                    required=False,
                    widget=forms.TextInput(attrs={"placeholder": _("评语（选填）")}),
                )
        self.fields["date"].initial = self.fields["date"].initial or timezone.localdate()
        window_dates(self, "date", "next_session_on")
        self.fields["mode"].choices = SupervisionMode.choices

    def _post_clean(self) -> None:
        # The service runs full_clean() with the rules that span fields.
        pass

    def score_grid(self) -> list[dict]:
        """Per trainee, the six competencies with their score and comment fields."""
        return [
            {
                "trainee": t,
                "mode": self.modes.get(t.pk, ""),
                "rows": [
                    (self[f"score_{t.pk}_{code}"], self[f"comment_{t.pk}_{code}"])
                    for code in Competency.values
                ],
            }
            for t in self.trainees
        ]

    def scores(self) -> list[Score]:
        if self.cleaned_data.get("mode") != SupervisionMode.DRILL:
            return []
        chosen = {t.pk for t in self.cleaned_data.get("attendees") or []}
        out = []
        for tid in sorted(chosen):
            for code in Competency.values:
                value = self.cleaned_data.get(f"score_{tid}_{code}")
                if value:
                    out.append(
                        Score(
                            tid,
                            code,
                            int(value),
                            self.cleaned_data.get(f"comment_{tid}_{code}", ""),
                        )
                    )
        return out

    def session_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class CorrectionForm(SessionForm):
    reason = forms.CharField(
        label=_("更正原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("已提交的记录每次更正都会保留原版本，学员需重新确认。"),
    )


class ActionItemForm(forms.Form):
    what = forms.CharField(label=_("行动事项"), max_length=200, required=False)
    owner = forms.CharField(label=_("负责人"), max_length=40, required=False)
    due_on = forms.DateField(
        label=_("完成期限"), required=False, widget=DateInput(), validators=[DateWindow()]
    )

    def clean(self):
        data = super().clean()
        if (data.get("owner") or data.get("due_on")) and not data.get("what"):
            self.add_error("what", _("请填写行动事项。"))
        return data


ACTION_ROWS = 3


def action_formset(data=None, *, session: SupervisionSession | None = None):
    initial = []
    if session is not None and session.pk:
        initial = [
            {"what": a.what, "owner": a.owner, "due_on": a.due_on}
            for a in session.action_items.order_by("pk")
        ]
    # absolute_max: a posted TOTAL_FORMS of 10**20 is refused, not built as 1,010 forms.
    factory = forms.formset_factory(
        ActionItemForm, extra=max(ACTION_ROWS - len(initial), 0), max_num=10, absolute_max=10
    )
    return factory(data, initial=initial, prefix="actions")


def actions_from(formset) -> list[Action]:
    return [
        Action(
            f.cleaned_data["what"], f.cleaned_data.get("owner", ""), f.cleaned_data.get("due_on")
        )
        for f in formset.forms
        if f.cleaned_data.get("what")
    ]


class ConfirmForm(forms.Form):
    reflection = forms.CharField(
        label=_("我的反思（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("这次督导对你的工作有什么启发？"),
    )


def closable_months(*, today: dt.date | None = None, back: int = 12) -> list[dt.date]:
    """Finished months of the last year that are not yet closed, newest first."""
    today = today or timezone.localdate()
    closed = set(MonthClose.objects.values_list("month", flat=True))
    months, month = [], month_start(today)
    for _i in range(back):
        month = month_start(month - dt.timedelta(days=1))
        if month not in closed:
            months.append(month)
    return months


class MonthCloseForm(forms.Form):
    month = forms.TypedChoiceField(label=_("结账月份"), coerce=dt.date.fromisoformat, choices=())
    confirm = forms.BooleanField(
        label=_("我确认结账后该月所有督导记录将被锁定，不能再修改。"), required=True
    )

    def __init__(self, *args, months: list[dt.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.isoformat(), f"{m:%Y年%-m月}") for m in months]
