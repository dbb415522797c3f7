"""Data entry from the worker page: exam scores, external CE hours, registration. Each form
calls a service; the service's ValidationError is shown next to the field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.capabilities import can_manage_workers, require_capability
from core.forms import attach_service_errors
from trainees.selectors import get_trainee_for_user

from ..forms import AttemptForm, ExternalHoursForm, RegistrationForm
from ..models import Certificate
from ..services import attempt_record, external_hours_add, registration_first, registration_renew


def _managed_trainee(request: HttpRequest, pk: int):
    trainee = get_trainee_for_user(request.user, pk)  # 404 outside the scope
    require_capability(request.user, can_manage_workers, _("您的角色只能查看持证记录。"))
    return trainee


@require_http_methods(["GET", "POST"])
def attempt_create(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = _managed_trainee(request, pk)
    form = AttemptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attempt_record(
                trainee=trainee,
                exam_year=form.cleaned_data["exam_year"],
                level=form.cleaned_data["level"],
                scores=form.cleaned_data["scores"],
                actor=request.user,
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已保存考试成绩。"))
            return redirect("trainees:detail", pk=trainee.pk)
    return render(
        request,
        "certification/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("录入考试成绩：%(name)s") % {"name": trainee.name},
        },
    )


@require_http_methods(["GET", "POST"])
def external_hours_create(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = _managed_trainee(request, pk)
    form = ExternalHoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            external_hours_add(trainee=trainee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已记录外部继续教育学时。"))
            return redirect("trainees:detail", pk=trainee.pk)
    return render(
        request,
        "certification/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("记录外部继续教育学时：%(name)s") % {"name": trainee.name},
        },
    )


@require_http_methods(["GET", "POST"])
def registration_create(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("level", "trainee"), pk=pk)
    trainee = _managed_trainee(request, certificate.trainee_id)  # 404 outside the scope
    renewal = certificate.registrations.exists()
    form = RegistrationForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        service = registration_renew if renewal else registration_first
        key = "filed_on" if renewal else "starts_on"
        try:
            service(certificate=certificate, actor=request.user, **{key: form.cleaned_data["on"]})
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError({"on": [m for ms in exc.message_dict.values() for m in ms]})
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已办理登记。"))
            return redirect("trainees:detail", pk=trainee.pk)
    title = _("办理再登记") if renewal else _("办理首次登记")
    return render(
        request,
        "certification/form.html",
        {
            "form": form,
            "trainee": trainee,
            "certificate": certificate,
            "title": f"{title}：{trainee.name} · {certificate.level.name}",
        },
    )
