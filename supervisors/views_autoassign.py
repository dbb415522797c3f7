"""Auto-assignment preview and apply (district administrators only).

The preview computes the plan and saves nothing. Apply recomputes it and saves it only if it
is still the plan the administrator saw (same fingerprint); otherwise the new plan is shown
for another look, because the data may have changed in between.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import can_manage_team, require_capability
from neighbourhoods.models import HousingType, Subdistrict
from trainees.models import Trainee

from .autoassign import Plan, autoassign_plan
from .models import SupervisionMode, Supervisor
from .services import assignments_bulk_create

PAIRS_PER_PAGE = 100
UNPLACED_SHOWN = 200


class SubdistrictFilterForm(forms.Form):
    subdistrict = forms.TypedChoiceField(
        label=gettext_lazy("街道（镇）"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, subdistricts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].choices = [("", _("全部街道（镇）")), *subdistricts]


class ApplyForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("安排原因"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("记入每条督导关系；留空则记为“自动安排”。"),
    )
    subdistrict = forms.IntegerField(required=False, widget=forms.HiddenInput)
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)


def _require_district_admin(request: HttpRequest) -> None:
    require_capability(request.user, can_manage_team, _("只有区管理员可以自动安排督导师。"))


def _subdistrict_choices() -> list[tuple[int, str]]:
    return list(Subdistrict.objects.order_by("code").values_list("pk", "name"))


def _preview_url(subdistrict_id: int | None) -> str:
    url = reverse("supervisors:autoassign-preview")
    return f"{url}?{urlencode({'subdistrict': subdistrict_id})}" if subdistrict_id else url


def _plan_for(subdistrict_id: int | None) -> Plan:
    return autoassign_plan(subdistrict_ids=[subdistrict_id] if subdistrict_id else None)


def _render_preview(
    request: HttpRequest,
    *,
    plan: Plan,
    subdistricts: list[tuple[int, str]],
    subdistrict_id: int | None,
    filter_form: SubdistrictFilterForm,
    apply_form: ApplyForm,
) -> HttpResponse:
    names = dict(subdistricts)
    page = Paginator(plan.pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    unplaced_shown = plan.unplaced_ids[:UNPLACED_SHOWN]
    # One query for the workers on this page and the unplaced shown, one for their supervisors.
    people = {
        pk: (name, sd, nb_name, ht)
        for pk, name, sd, nb_name, ht in Trainee.objects.filter(
            pk__in=[p.trainee_id for p in page.object_list] + unplaced_shown
        )
        .order_by()
        .values_list(
            "pk", "name", "subdistrict_id", "neighbourhood__name", "neighbourhood__housing_type"
        )
    }
    supervisors = {
        pk: (name, names.get(home, ""))
        for pk, name, home in Supervisor.objects.filter(
            pk__in={p.supervisor_id for p in page.object_list}
        )
        .order_by()
        .values_list("pk", "name", "home_subdistrict_id")
    }
    office = _("街道社区办")

    def worker(pk: int) -> dict[str, str]:
        name, sd, nb_name, ht = people.get(pk, ("", None, None, None))
        return {
            "name": name,
            "subdistrict": names.get(sd, ""),
            "workplace": nb_name or office,
            "housing_type": HousingType(ht).label if ht else "—",
        }

    rows = [
        {
            **worker(p.trainee_id),
            "supervisor": supervisors.get(p.supervisor_id, ("", ""))[0],
            "supervisor_home": supervisors.get(p.supervisor_id, ("", ""))[1],
            "mode": SupervisionMode(p.mode).label,
            "pair": p,
        }
        for p in page.object_list
    ]
    context = {
        "plan": plan,
        "page_obj": page,
        "rows": rows,
        "unplaced_rows": [worker(pk) for pk in unplaced_shown],
        "unplaced_more": plan.unplaced - len(unplaced_shown),
        "by_subdistrict": [(names.get(s.subdistrict_id, ""), s) for s in plan.by_subdistrict],
        "subdistrict_name": names.get(subdistrict_id) if subdistrict_id else None,
        "filter_form": filter_form,
        "apply_form": apply_form,
        "page_query": urlencode({"subdistrict": subdistrict_id}) if subdistrict_id else "",
        "same_subdistrict_percent": round(plan.same_subdistrict_share * 100, 1),
        "specialty_percent": round(plan.specialty_share * 100, 1),
    }
    return render(request, "supervisors/autoassign_preview.html", context)


@require_GET
def autoassign_preview(request: HttpRequest) -> HttpResponse:
    _require_district_admin(request)
    subdistricts = _subdistrict_choices()
    filter_form = SubdistrictFilterForm(request.GET or None, subdistricts=subdistricts)
    subdistrict_id = filter_form.cleaned_data["subdistrict"] if filter_form.is_valid() else None
    plan = _plan_for(subdistrict_id)
    apply_form = ApplyForm(initial={"subdistrict": subdistrict_id, "fingerprint": plan.fingerprint})
    return _render_preview(
        request,
        plan=plan,
        subdistricts=subdistricts,
        subdistrict_id=subdistrict_id,
        filter_form=filter_form,
        apply_form=apply_form,
    )


@require_POST
def autoassign_apply(request: HttpRequest) -> HttpResponse:
    _require_district_admin(request)
    subdistricts = _subdistrict_choices()
    apply_form = ApplyForm(request.POST)
    if not apply_form.is_valid():
        return redirect(reverse("supervisors:autoassign-preview"))
    subdistrict_id = apply_form.cleaned_data["subdistrict"]
    if subdistrict_id is not None and subdistrict_id not in dict(subdistricts):
        subdistrict_id = None
    plan = _plan_for(subdistrict_id)
    if plan.fingerprint != apply_form.cleaned_data["fingerprint"]:
        apply_form.add_error(None, _("数据已变化，方案已重新生成。请核对后再确认。"))
    elif not plan.pairs:
        apply_form.add_error(None, _("没有可以安排的社区工作者。"))
    else:
        try:
            created = assignments_bulk_create(
                pairs=plan.as_triples(),
                actor=request.user,
                reason=apply_form.cleaned_data["reason"].strip() or _("自动安排"),
            )
        except ValidationError as exc:
            for message in exc.messages:
                apply_form.add_error(None, message)
        else:
            messages.success(
                request,
                _("已为 %(n)d 名社区工作者安排督导师。") % {"n": len(created)},
            )
            return redirect(_preview_url(subdistrict_id))
    # Show the freshly computed plan with the reason kept and the new fingerprint.
    data = apply_form.data.copy()
    data["fingerprint"] = plan.fingerprint
    shown_form = ApplyForm(data)
    shown_form.is_valid()
    for error in apply_form.non_field_errors():
        shown_form.add_error(None, error)
    return _render_preview(
        request,
        plan=plan,
        subdistricts=subdistricts,
        subdistrict_id=subdistrict_id,
        filter_form=SubdistrictFilterForm(
            initial={"subdistrict": subdistrict_id}, subdistricts=subdistricts
        ),
        apply_form=shown_form,
    )
