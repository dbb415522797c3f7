"""Kind 3: training attendance (培训出勤) from typed-up sign-in sheets.

A row names the sitting (event title, date and, when an event has two sittings that day, the
venue), the worker by ID number, and the status. The worker must already be enrolled in that
sitting: enrolment and seating are the organiser's decisions (capacity, audience), made on the
training pages. The writes go through `training.services.attendance_mark`, one call
per sitting, which scopes the rows to the actor, fixes the credited hours by the credit policy
(CreditPolicy.current().share(status) × event.credited_hours) and leaves unchanged rows alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from trainees.identity import id_number_mask, id_number_normalise, is_masked
from trainees.pii import id_number_hash
from training.models import AttendanceStatus, Sitting
from training.selectors import enrolment_scope
from training.services import attendance_mark

from ..readers import CellError, cell_text, header_key, parse_date, parse_id_number_cell
from .base import (
    Column,
    ImportKindBase,
    MappedSheet,
    Plan,
    Progress,
    Table,
    choice_labels,
    choice_lookup,
    no_progress,
)

STATUSES = choice_lookup(
    AttendanceStatus,
    {
        "到": "present",
        "已到": "present",
        "签到": "present",
        "√": "present",
        "未到": "absent",
        "假": "excused",
    },
)

ATTENDANCE = Table(
    "attendance",
    gettext_lazy("出勤"),
    (
        Column(
            "event",
            gettext_lazy("培训名称"),
            ("培训", "课程名称", "event"),
            required=True,
            width=24,
        ),
        Column(
            "date",
            gettext_lazy("场次日期"),
            ("日期", "培训日期", "date"),
            required=True,
            is_date=True,
            width=12,
        ),
        Column(
            "venue",
            gettext_lazy("地点"),
            ("培训地点", "venue"),
            help=gettext_lazy("同一天有多个场次时填写"),
            width=18,
        ),
        Column(
            "id_number",
            gettext_lazy("身份证号"),
            ("身份证号码", "id number"),
            required=True,
            width=21,
        ),
        Column(
            "name",
            gettext_lazy("姓名"),
            ("name",),
            read_only=True,
            help=gettext_lazy("便于核对，导入时不读取"),
            width=10,
        ),
        Column(
            "status",
            gettext_lazy("出勤"),
            ("出勤情况", "状态", "status"),
            required=True,
            options="status",
            width=8,
        ),
    ),
)


@dataclass
class AttendancePayload:
    marks: dict[int, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    sittings: dict[int, Sitting] = field(default_factory=dict)


class AttendanceKind(ImportKindBase):
    code = "attendance"
    label = gettext_lazy("培训出勤")
    tables = (ATTENDANCE,)

    def options(self, user: User) -> dict[str, list[str]]:
        return {"status": choice_labels(AttendanceStatus)}

    def example_rows(self, user: User) -> dict[str, list[object]]:
        sitting = Sitting.objects.select_related("event").order_by("-date").first()
        return {
            "attendance": [
                sitting.event.title if sitting else _("全员培训（示例）"),
                sitting.date if sitting else "2026-06-01",
                sitting.venue if sitting else _("长宁区社区学院"),
                "310105199005170028",
                _("张晓燕（示例）"),
                str(AttendanceStatus.PRESENT.label),
            ]
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        full = user.sees_full_id_numbers
        rows = (
            [
                e.event.title,
                e.sitting.date,
                e.sitting.venue,
                e.trainee.id_number if full else id_number_mask(e.trainee.id_number),
                e.trainee.name,
                e.attendance.get_status_display(),
            ]
            for e in enrolment_scope(user)
            .filter(attendance__isnull=False, sitting__isnull=False)
            .select_related("event", "sitting", "trainee", "attendance")
            .order_by("sitting__date", "event__title", "trainee__name", "pk")
        )
        return {"attendance": rows}

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        plan = Plan(payload=AttendancePayload())
        sittings: dict[tuple[str, object], list[Sitting]] = defaultdict(list)
        for sitting in Sitting.objects.select_related("event"):
            sittings[(header_key(sitting.event.title), sitting.date)].append(sitting)
        rows = [(sheet, number, row) for sheet in sheets for number, row in sheet.rows]
        plan.rows = len(rows)
        ids = set()
        for _sheet, _number, row in rows:
            try:
                ids.add(id_number_normalise(parse_id_number_cell(row.get("id_number"))))
            except CellError:
                continue
        # What this actor may mark: enrolments in scope, by (sitting, ID number).
        by_hash = {id_number_hash(n): n for n in ids}
        enrolments = {
            (sitting_id, by_hash[hashed]): (pk, status)
            for pk, sitting_id, hashed, status in enrolment_scope(actor)
            .filter(trainee__id_number_hash__in=by_hash, sitting__isnull=False)
            .values_list("pk", "sitting_id", "trainee__id_number_hash", "attendance__status")
        }
        seen: dict[tuple[int, int], int] = {}
        for sheet, number, row in rows:
            errors: list[tuple[str, str]] = []
            sitting = None
            try:
                day = parse_date(row.get("date"))
                candidates = sittings.get((header_key(cell_text(row.get("event"))), day), [])
                venue = header_key(cell_text(row.get("venue")))
                if venue:
                    candidates = [s for s in candidates if header_key(s.venue) == venue]
                if not candidates:
                    errors.append(
                        ("event", _("没有这一天的该培训场次，请核对培训名称、日期和地点。"))
                    )
                elif len(candidates) > 1:
                    errors.append(("venue", _("该培训当天有多个场次，请填写地点。")))
                else:
                    sitting = candidates[0]
            except CellError as exc:
                errors.append(("date", str(exc)))
            status = STATUSES.get(header_key(cell_text(row.get("status"))))
            if status is None:
                errors.append(
                    (
                        "status",
                        _("出勤应为：%(allowed)s。")
                        % {"allowed": "、".join(choice_labels(AttendanceStatus))},
                    )
                )
            id_number = ""
            try:
                id_number = id_number_normalise(parse_id_number_cell(row.get("id_number")))
            except CellError as exc:
                errors.append(("id_number", str(exc)))
            if is_masked(id_number):
                # An export of someone who sees masked numbers, sent back as it was.
                errors.append(
                    (
                        "id_number",
                        _("身份证号已打码（含 *），无法识别人员；请填写完整的身份证号。"),
                    )
                )
                id_number = ""
            enrolment = None
            if sitting is not None and id_number:
                enrolment = enrolments.get((sitting.pk, id_number))
                if enrolment is None:
                    # Also the answer for workers outside the actor's scope: nothing is revealed.
                    errors.append(
                        ("id_number", _("该社区工作者未报名此场次（或不在您的管理范围内）。"))
                    )
                elif enrolment[0] in seen:
                    errors.append(
                        ("id_number", _("与第 %(row)d 行重复。") % {"row": seen[enrolment[0]]})
                    )
            if errors:
                for key, message in errors:
                    plan.errors.append(sheet.error(number, key, message, row.get(key)))
                continue
            enrolment_id, current = enrolment
            seen[enrolment_id] = number
            if current == status:
                plan.unchanged += 1
                continue
            if current is None:
                plan.new += 1
            else:
                plan.changed += 1
            plan.payload.marks[sitting.pk][enrolment_id] = status
            plan.payload.sittings[sitting.pk] = sitting
        progress(1, 1)
        return plan

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        payload: AttendancePayload = plan.payload
        for sitting_id, marks in sorted(payload.marks.items()):
            attendance_mark(sitting=payload.sittings[sitting_id], actor=actor, marks=marks)
