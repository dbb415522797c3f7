"""Attendance: marking a sitting's roster, the one row a check-in or a leave decision writes,
and the "two absences in a row" messages.

Credited hours are fixed on the attendance row when it is marked, from the event's hours and
the credit policy then in force (CreditPolicy: share per status), so a later policy change does
not rewrite hours that certification has already counted.
"""

import datetime as dt
import itertools
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_mark_attendance
from accounts.models import Notification, Role, User
from accounts.notifications import Message
from audit.models import AuditAction
from audit.services import audit_record
from trainees.populations import periods_on

from ..models import Attendance, AttendanceStatus, CreditPolicy, Enrolment, Sitting
from ..selectors import enrolment_scope


def credit_policy() -> CreditPolicy:
    """The district's single policy row (a data migration creates it; defaults otherwise)."""
    return CreditPolicy.current()


def credited(hours: Decimal, share: Decimal) -> Decimal:
    return (hours * share).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Marked:
    created: int
    updated: int
    ignored: int


def id_set(ids: Sequence[int]) -> tuple[str, list]:
    """A subquery yielding `ids`, the whole list bound as ONE parameter.

    An `IN (%s, %s, …)` list grows a parameter per id, and the databases cap parameters
    (SQLite 32,766, PostgreSQL 65,535), so a big sitting once took a statement per 10,000 ids:
    the save's query count grew with the sitting (12 at 2,000 workers, 13 at 100,000). One
    array (PostgreSQL) or JSON text (SQLite) keeps it one statement for any number of ids.
    """
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", [list(ids)]
    return "SELECT value FROM json_each(%s)", [json.dumps(list(ids))]


def _insert_attendance(
    enrolment_ids: Sequence[int], *, status: str, hours: Decimal, actor: User, now: dt.datetime
) -> None:
    """INSERT … SELECT from the enrolments: one statement for any number of rows (the ids
    travel as one parameter, `id_set`).

    bulk_create would do the same on PostgreSQL (UNNEST) but splits into batches of 90 rows on
    SQLite, so a sitting of 2,000 would cost 23 statements there; this is a fixed count on both.
    """
    ops = connection.ops
    a, e = Attendance._meta, Enrolment._meta

    def col(meta, name: str) -> str:
        return ops.quote_name(meta.get_field(name).column)

    targets = ", ".join(
        col(a, f)
        for f in (
            "enrolment",
            "event",
            "sitting",
            "trainee",
            "status",
            "credited_hours",
            "via_qr",
            "marked_by",
            "updated_at",
        )
    )
    source = ", ".join(
        [
            col(e, "id"),
            col(e, "event"),
            col(e, "sitting"),
            col(e, "trainee"),
            "%s",
            "%s",
            "%s",
            "%s",
            "%s",
        ]
    )
    values = [
        status,
        ops.adapt_decimalfield_value(hours, 5, 1),
        False,
        actor.pk,
        ops.adapt_datetimefield_value(now),
    ]
    ids, id_params = id_set(enrolment_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ops.quote_name(a.db_table)} ({targets}) "
            f"SELECT {source} FROM {ops.quote_name(e.db_table)} "
            f"WHERE {col(e, 'id')} IN ({ids})",
            [*values, *id_params],
        )


@transaction.atomic
def attendance_mark(
    *, sitting: Sitting, actor: User, marks: Mapping[int, str], fill: str = ""
) -> Marked:
    """Record the statuses of a sitting's roster in one go: `marks` is enrolment id → status;
    `fill` (e.g. "present") is given to every row that is neither marked nor in `marks`.

    Only enrolments of this sitting that the actor may see are written (another subdistrict's
    rows are ignored, whatever the request says). Unchanged rows are left alone, so a QR
    check-in time survives a later "mark all present". A constant number of statements: one
    read, the policy, at most five UPDATEs and five INSERT … SELECTs (one per status), and one
    audit event on the sitting listing the statuses that changed (corrections, not first marks).
    """
    if not can_mark_attendance(actor):
        raise PermissionDenied(_("只有区或街道（镇）管理员可以登记出勤。"))
    if fill and fill not in AttendanceStatus.values:
        raise ValidationError(_("出勤状态无效。"))
    if any(status not in AttendanceStatus.values for status in marks.values()):
        raise ValidationError(_("出勤状态无效。"))
    # Nobody is marked for a sitting held before they joined or after they left (DOMAIN.md):
    # an explicit mark for such a worker is refused, `fill` passes over them.
    on_books = periods_on(sitting.date).filter(trainee_id=OuterRef("trainee_id"))
    # The marks joined on the sitting too, so PostgreSQL reads this sitting's by index rather
    # than hashing every mark of the district (0.5 s of a 20,000-row save). A mark's sitting is
    # its enrolment's: a marked worker can no longer be moved (enrolment_move).
    rows = (
        enrolment_scope(actor)
        .filter(sitting=sitting)
        .annotate(
            on_books=Exists(on_books),
            mark=FilteredRelation("attendance", condition=Q(attendance__sitting=sitting)),
        )
        .values_list("pk", "mark__pk", "mark__status", "trainee_id", "trainee__name", "on_books")
    )
    policy = credit_policy()
    hours = sitting.event.credited_hours
    to_create: dict[str, list[int]] = defaultdict(list)
    to_update: dict[str, list[int]] = defaultdict(list)
    corrected: dict[str, list[str]] = {}
    seen = 0
    rows = list(rows)
    off_books = [row[4] for row in rows if not row[5] and row[0] in marks]
    if off_books:
        raise ValidationError(
            _("%(names)s 在 %(date)s 不在册（尚未入职或已离职），不能登记出勤。")
            % {"names": "、".join(off_books), "date": sitting.date.isoformat()}
        )
    for enrolment_id, attendance_id, current, trainee_id, name, on_books in rows:
        status = marks.get(enrolment_id)
        if not on_books:
            continue
        if status:
            seen += 1
        elif attendance_id is None and fill:
            status = fill
        else:
            continue
        if attendance_id is None:
            to_create[status].append(enrolment_id)
        elif status != current:
            to_update[status].append(attendance_id)
            corrected[f"{name}（{trainee_id}）"] = [
                str(AttendanceStatus(current).label),
                str(AttendanceStatus(status).label),
            ]
    now = timezone.now()
    for status, ids in to_update.items():
        Attendance.objects.filter(pk__in=RawSQL(*id_set(ids))).update(
            status=status,
            credited_hours=credited(hours, policy.share(status)),
            marked_by=actor,
            updated_at=now,
        )
    for status, ids in to_create.items():
        _insert_attendance(
            ids, status=status, hours=credited(hours, policy.share(status)), actor=actor, now=now
        )
    if corrected:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=sitting, changes=corrected)
    if AttendanceStatus.ABSENT in to_create or AttendanceStatus.ABSENT in to_update:
        from ..tasks import notify_repeat_absences

        notify_repeat_absences.delay_on_commit(sitting.pk)
    return Marked(
        created=sum(map(len, to_create.values())),
        updated=sum(map(len, to_update.values())),
        ignored=len(marks) - seen,
    )


def _write_attendance(
    enrolment: Enrolment, *, status: str, actor: User, now: dt.datetime, via_qr: bool = False
) -> Attendance:
    hours = credited(enrolment.event.credited_hours, credit_policy().share(status))
    attendance = Attendance.objects.filter(enrolment=enrolment).first()
    old = attendance.status if attendance is not None else None
    if attendance is None:
        attendance = Attendance(
            enrolment=enrolment,
            event_id=enrolment.event_id,
            sitting_id=enrolment.sitting_id,
            trainee_id=enrolment.trainee_id,
        )
    attendance.status = status
    attendance.credited_hours = hours
    attendance.marked_by = actor
    if via_qr:
        attendance.via_qr = True
        attendance.checked_in_at = now
    attendance.save()
    if old is not None and old != status:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=Attendance._meta.label_lower,
            object_id=str(attendance.pk),
            object_repr=f"{enrolment.trainee_id} · {enrolment.event_id}",
            changes={
                "status": [str(AttendanceStatus(old).label), str(AttendanceStatus(status).label)]
            },
        )
    return attendance


# --- two absences in a row --------------------------------------------------------------------


def repeat_absence_messages(*, sitting_id: int) -> list[Message]:
    """Messages to subdistrict administrators about workers absent from this sitting who were
    also absent from the event they were enrolled in just before (two in a row).

    One query finds them (the previous enrolment's status is a correlated subquery), one finds
    the administrators. Keys make delivery idempotent: one message per absence, ever.
    """
    previous = (
        Enrolment.objects.filter(trainee_id=OuterRef("trainee_id"), sitting__isnull=False)
        .exclude(event_id=OuterRef("event_id"))
        .filter(
            Q(sitting__date__lt=OuterRef("sitting__date"))
            | Q(
                sitting__date=OuterRef("sitting__date"),
                sitting__start_time__lt=OuterRef("sitting__start_time"),
            )
        )
        .order_by("-sitting__date", "-sitting__start_time", "-pk")
    )
    twice = list(
        Attendance.objects.filter(sitting_id=sitting_id, status=AttendanceStatus.ABSENT)
        .annotate(
            previous_status=Subquery(previous.values("attendance__status")[:1]),
            previous_event=Subquery(previous.values("event__title")[:1]),
        )
        .filter(previous_status=AttendanceStatus.ABSENT)
        .select_related("trainee__neighbourhood", "event", "sitting")
        .order_by("trainee__name", "pk")
    )
    if not twice:
        return []
    admins = defaultdict(list)
    for admin in User.objects.filter(
        role=Role.SUBDISTRICT_ADMIN,
        is_active=True,
        subdistrict_id__in={a.trainee.subdistrict_id for a in twice},
    ):
        admins[admin.subdistrict_id].append(admin)
    messages = []
    for attendance, admin in itertools.chain.from_iterable(
        ((a, u) for u in admins[a.trainee.subdistrict_id]) for a in twice
    ):
        t = attendance.trainee
        messages.append(
            Message(
                user=admin,
                kind=Notification.Kind.INFO,
                title=_("%(name)s 连续两次培训缺席") % {"name": t.name},
                body=_(
                    "%(name)s（%(place)s）缺席了“%(event)s”（%(date)s），"
                    "此前的“%(previous)s”也缺席。请了解情况并督促参加后续培训。"
                )
                % {
                    "name": t.name,
                    "place": t.workplace,
                    "event": attendance.event.title,
                    "date": f"{attendance.sitting.date:%Y年%-m月%-d日}",
                    "previous": attendance.previous_event,
                },
                url=reverse("training:event-figures", args=[attendance.event_id]),
                key=f"training-absent-twice:{attendance.pk}",
            )
        )
    return messages
