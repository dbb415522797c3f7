"""The worker's page (一人一档): identity and post from trainees, pairings from supervisors,
certificates from certification. It gathers what every app keeps about one person, so it
lives here at the top of the layers; its address stays /workers/<pk>/ (config/urls.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.capabilities import can_manage_workers, sees_places
from audit.models import AuditAction
from audit.selectors import audit_history_lines
from audit.services import audit_record
from certification.selectors import worker_certification
from supervisors.models import Assignment
from trainees.assessments.selectors import worker_assessments
from trainees.forms import StatusForm
from trainees.history import periods_of
from trainees.identity import id_number_for, mobile_for
from trainees.selectors import get_trainee_for_user

from .timeline import worker_timeline


def worker_file(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = get_trainee_for_user(request.user, pk)
    user = request.user
    full = user.sees_full_identity
    if full:
        audit_record(actor=user, action=AuditAction.UNMASK, obj=trainee)
    assignments = list(Assignment.objects.filter(trainee=trainee).select_related("supervisor"))
    # One query feeds both the 履历 table and the timeline's changes.
    periods = periods_of(trainee, viewer=user)
    return render(
        request,
        "trainees/detail.html",
        {
            "trainee": trainee,
            "id_number_shown": id_number_for(user, trainee.id_number),
            "mobile_shown": mobile_for(user, trainee.mobile),
            "full_identity": full,
            "assignments": assignments,
            "history": audit_history_lines(
                trainee, *trainee.certificates.all(), full_identity=full
            ),
            "current_assignment": next((a for a in assignments if a.ended_on is None), None),
            "can_edit": can_manage_workers(user),
            "status_form": StatusForm(initial={"status": trainee.status}),
            "periods": periods,
            "timeline": worker_timeline(trainee=trainee, assignments=assignments, periods=periods),
            "cert": worker_certification(trainee=trainee, on=timezone.localdate()),
            # 年度考核: everyone who sees the page sees the results; the offices' notes only
            # those who see places (administrators, leadership).
            "assessments": list(worker_assessments(trainee)),
            "assessment_notes": sees_places(user),
        },
    )
