"""The worker's personnel file (人员档案) as a PDF: who they are (the ID number as the viewer may
see it), where they are placed, their dated history, certificates, registrations, training and
a summary of their supervision, on one or two A4 pages.

Like the worker's page (reports/worker_file.py) it gathers every app's records of one person,
so it lives at the top of the layers; `get_trainee_for_user` owns who may have it. It is made
on request (WeasyPrint, a second or so for one worker) and never stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.capabilities import sees_full_identity
from accounts.models import User
from audit.services import audit_export
from certification.models import Certificate, Registration
from core.downloads import generated_download
from sessions.models import SessionAttendee, SessionStatus
from supervisors.models import Assignment, SupervisionMode
from trainees.history import periods_of
from trainees.identity import id_number_for
from trainees.models import Trainee, WorkerPeriod
from trainees.selectors import get_trainee_for_user
from training.models import Attendance

from .timeline import ATTENDED, placement_of, state_of

# The latest training sittings listed (the total counts them all): the file stays short.
TRAINING_ROWS = 30


def _history_row(period: WorkerPeriod) -> dict[str, Any]:
    basis = [str(period.get_change_display())]
    if period.document_no:
        basis.append(_("文号 %(no)s") % {"no": period.document_no})
    if period.reason:
        basis.append(_("原因 %(reason)s") % {"reason": period.reason})
    return {
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "place": placement_of(period),
        "post": period.get_post_display(),
        "grade": period.grade.name if period.grade_id else "—",
        "state": state_of(period),
        "basis": "；".join(basis),
    }


def personnel_file(*, trainee: Trainee, viewer: User, on: dt.date) -> dict[str, Any]:
    """What the file prints, as of `on`. The ID number is masked unless the viewer may see it
    in full (accounts.capabilities.sees_full_identity); the birth date, digits 7–14 of the
    number, then gives way to the age. No mobile number: a file is not a contact list."""
    full = sees_full_identity(viewer)
    periods = periods_of(trainee, viewer=viewer)
    certificates = list(
        Certificate.objects.filter(trainee=trainee).select_related("level").order_by("date_passed")
    )
    registrations = list(
        Registration.objects.filter(trainee=trainee)
        .select_related("certificate__level")
        .order_by("starts_on")
    )
    attended = Attendance.objects.filter(trainee=trainee, status__in=ATTENDED)
    training_total = attended.aggregate(n=Count("pk"), hours=Sum("credited_hours"))
    trainings = list(
        attended.select_related("event", "sitting")
        .only("credited_hours", "event__title", "sitting__date")
        .order_by("-sitting__date", "-pk")[:TRAINING_ROWS]
    )
    pairings = list(
        Assignment.objects.filter(trainee=trainee)
        .select_related("supervisor")
        .order_by("started_on")
    )
    # Drafts are a supervisor's unfinished notes, not a record of a session.
    by_mode = (
        SessionAttendee.objects.filter(trainee=trainee)
        .exclude(session__status=SessionStatus.DRAFT)
        .values("session__mode")
        .annotate(
            n=Count("pk"), minutes=Sum("session__duration_minutes"), last=Max("session__date")
        )
        .order_by("session__mode")
    )
    sessions = [
        {
            "mode": SupervisionMode(row["session__mode"]).label,
            "count": row["n"],
            "hours": Decimal(row["minutes"] or 0) / 60,
            "last": row["last"],
        }
        for row in by_mode
    ]
    return {
        "trainee": trainee,
        "on": on,
        "full_identity": full,
        "id_number_shown": id_number_for(viewer, trainee.id_number),
        "age": trainee.age_on(on),
        "history": [_history_row(p) for p in periods],
        "certificates": certificates,
        "registrations": registrations,
        "trainings": trainings,
        "training_count": training_total["n"],
        "training_hours": training_total["hours"] or Decimal(0),
        "training_more": max(training_total["n"] - len(trainings), 0),
        "pairings": pairings,
        "sessions": sessions,
        "generated_at": timezone.localtime(),
        "viewer": viewer,
    }


def render_personnel_file(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf/personnel_file.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@require_GET
def worker_file_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """/workers/<pk>/file.pdf, "trainees:file-pdf": whoever may open the worker's page may
    print the file, masked as the page is; each print is in the audit trail like an export."""
    trainee = get_trainee_for_user(request.user, pk)
    today = timezone.localdate()
    context = personnel_file(trainee=trainee, viewer=request.user, on=today)
    pdf = render_personnel_file(context)
    audit_export(
        actor=request.user,
        what="trainees.personnel-file",
        filters={"trainee": trainee.pk},
        full_id=context["full_identity"],
    )
    filename = f"{trainee.name}-{_('人员档案')}-{today:%Y%m%d}.pdf"
    return generated_download(pdf, filename=filename)
