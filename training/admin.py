"""Training in the admin site: one write path with the pages (STYLE.md, "Services write").

- Events and sittings are edited on the training pages through `event_create`/`event_update`
  and `sitting_create`/`sitting_update`; here they save through the same services, so the
  rules are the same: an all-staff training has no organiser, an event's organiser cannot
  exclude workers already enrolled, a change of hours re-credits the attendance marked at the
  old hours, a sitting ends after it starts and holds at least the people placed in it. A rule
  the service refuses is shown on the form, and nothing is saved. A sitting stays with its
  event (the pages never move one), and neither is deleted here: deleting would take the
  enrolments and the credited hours that continuing education counts with them.
- Attendance, enrolments, leave requests and check-in uses are read-only. They are derived
  or rule-bearing rows that only the pages write: attendance status and credited hours are
  set together from the credit policy by marking, check-in and leave decisions (an edit here
  would let them drift apart); an enrolment is placed within a sitting's capacity and cannot
  be removed once attendance is marked; a leave decision also excuses the attendance and tells
  the worker; a check-in use is the evidence that a QR code was not replayed.
- The credit policy is the district's rule as data: one row, editable, never deleted. A
  change applies to attendance marked after it; hours already credited stay as they were.
"""

from django.contrib import admin
from django.http import HttpRequest

from audit.admin_mixins import AuditedAdmin
from core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin

from .models import (
    Attendance,
    CheckinUse,
    CreditPolicy,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
)
from .services import EVENT_FIELDS, event_create, event_update, sitting_create, sitting_update

SITTING_FIELDS = ("date", "start_time", "end_time", "venue", "capacity")


class SittingInline(ReadOnlyInline):
    """The event's sittings, for reading: they are added and edited on their own screen."""

    model = Sitting
    fields = SITTING_FIELDS
    readonly_fields = SITTING_FIELDS
    show_change_link = True


@admin.register(TrainingEvent)
class TrainingEventAdmin(ServiceAdmin):
    list_display = ("title", "kind", "organiser", "credited_hours", "counts_as_ce", "created_at")
    list_filter = ("kind", "organiser", "counts_as_ce")
    search_fields = ("title",)
    list_select_related = ("organiser",)
    fields = (*EVENT_FIELDS, "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    inlines = [SittingInline]

    def service_save(self, request, obj, data):
        fields = {name: data.get(name) for name in EVENT_FIELDS}
        if obj is not None:
            return event_update(event=obj, actor=request.user, **fields)
        return event_create(actor=request.user, **fields)


@admin.register(Sitting)
class SittingAdmin(ServiceAdmin):
    list_display = ("event", "date", "start_time", "end_time", "venue", "capacity")
    list_select_related = ("event",)
    date_hierarchy = "date"
    raw_id_fields = ("event",)
    fields = ("event", *SITTING_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Its enrolments and attendance belong to the event: a sitting never changes event.
        return ("event",) if obj is not None else ()

    def service_save(self, request, obj, data):
        fields = {name: data.get(name) for name in SITTING_FIELDS}
        if obj is not None:
            return sitting_update(sitting=obj, actor=request.user, **fields)
        return sitting_create(event=data["event"], actor=request.user, **fields)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("trainee", "event", "sitting")
    list_select_related = ("trainee", "event", "sitting__event")
    search_fields = ("trainee__name", "event__title")
    raw_id_fields = ("event", "trainee", "sitting")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("trainee", "event", "status", "credited_hours", "checked_in_at", "via_qr")
    list_filter = ("status", "via_qr")
    list_select_related = ("trainee", "event")
    search_fields = ("trainee__name", "event__title")
    raw_id_fields = ("enrolment", "event", "sitting", "trainee", "marked_by")


@admin.register(CreditPolicy)
class CreditPolicyAdmin(AuditedAdmin):
    audit_fields = ("present", "late", "left_early", "absent", "excused")
    list_display = ("__str__", "present", "late", "left_early", "absent", "excused")

    def has_add_permission(self, request) -> bool:
        # A single row: the district's policy.
        return not CreditPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "reason", "state", "created_at", "decided_by")
    list_filter = ("state",)
    list_select_related = ("enrolment__trainee", "enrolment__event", "decided_by")
    raw_id_fields = ("enrolment", "requested_by", "decided_by")


@admin.register(CheckinUse)
class CheckinUseAdmin(ReadOnlyAdmin):
    list_display = ("nonce", "trainee", "used_at")
    list_select_related = ("trainee",)
    raw_id_fields = ("trainee",)
