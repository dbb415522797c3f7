"""The supervisors kind: template, export, the plan of both sheets and its write through the
supervisors services."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from neighbourhoods.models import HousingType, Subdistrict
from supervisors.models import Assignment, QualificationLevel, SupervisionMode, Supervisor
from supervisors.services import (
    assignment_end,
    assignments_bulk_create,
    supervisor_create,
    supervisor_update,
)
from trainees.identity import id_number_mask

from ..base import ImportKindBase, MappedSheet, Plan, Progress, choice_labels, no_progress
from .columns import PAIRS_TABLE, TEAM_TABLE
from .lookups import TeamIndex, subdistricts_by_text
from .pairs import plan_pairs
from .team import plan_supervisor


@dataclass
class SupervisorsPayload:
    new: list[Supervisor] = field(default_factory=list)
    changed: list[Supervisor] = field(default_factory=list)
    # id(supervisor) -> the values the file gives it, for the supervisors services.
    fields: dict[int, dict[str, object]] = field(default_factory=dict)
    # (supervisor key or pk, trainee pk, mode, started_on); key for supervisors created here.
    pairs_new: list[tuple[object, int, str, dt.date]] = field(default_factory=list)
    ends: list[Assignment] = field(default_factory=list)


class SupervisorsKind(ImportKindBase):
    code = "supervisors"
    label = gettext_lazy("督导师及督导关系")
    tables = (TEAM_TABLE, PAIRS_TABLE)

    def options(self, user: User) -> dict[str, list[str]]:
        return {
            "kind": choice_labels(Supervisor.Kind),
            "qualification": choice_labels(QualificationLevel),
            "subdistrict": list(
                Subdistrict.objects.order_by("code").values_list("name", flat=True)
            ),
            "yes_no": [_("是"), _("否")],
            "mode": choice_labels(SupervisionMode),
        }

    def example_rows(self, user: User) -> dict[str, list[object]]:
        sub = Subdistrict.objects.order_by("code").first()
        home = sub.name if sub else _("华阳路街道")
        return {
            "supervisors": [
                "",
                _("李明（示例）"),
                str(Supervisor.Kind.AGENCY.label),
                _("长宁区社会工作协会"),
                str(QualificationLevel.INTERMEDIATE.label),
                home,
                10,
                f"{HousingType.PUBLIC_RESALE.label}、{HousingType.VILLA.label}",
                _("是"),
                "",
            ],
            "pairings": [
                "",
                _("李明（示例）"),
                home,
                "310105199005170028",
                _("张晓燕"),
                str(SupervisionMode.MENTOR.label),
                dt.date(2026, 3, 1),
            ],
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        full = user.sees_full_id_numbers
        housing = dict(HousingType.choices)
        team = (
            [
                s.user.username if s.user_id else "",
                s.name,
                s.get_kind_display(),
                s.organisation,
                s.get_qualification_display(),
                s.home_subdistrict.name,
                s.capacity,
                "、".join(str(housing.get(h, h)) for h in s.specialties),
                _("是") if s.is_active else _("否"),
                (s.trainee.id_number if full else id_number_mask(s.trainee.id_number))
                if s.trainee_id
                else "",
            ]
            for s in Supervisor.objects.select_related(
                "home_subdistrict", "trainee", "user"
            ).order_by("home_subdistrict__code", "name", "pk")
        )
        pairs = (
            [
                a.supervisor.user.username if a.supervisor.user_id else "",
                a.supervisor.name,
                a.supervisor.home_subdistrict.name,
                a.trainee.id_number if full else id_number_mask(a.trainee.id_number),
                a.trainee.name,
                a.get_mode_display(),
                a.started_on,
            ]
            for a in Assignment.objects.filter(ended_on__isnull=True)
            .select_related("supervisor__home_subdistrict", "supervisor__user", "trainee")
            .order_by("supervisor__home_subdistrict__code", "supervisor__name", "trainee__name")
        )
        return {"supervisors": team, "pairings": pairs}

    # --- plan ----------------------------------------------------------------------------------

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        plan = Plan(payload=SupervisorsPayload())
        subdistricts = subdistricts_by_text()
        existing = TeamIndex(
            list(Supervisor.objects.select_related("home_subdistrict", "user", "trainee"))
        )
        # The team after this file: id(supervisor) -> supervisor (new ones unsaved).
        team: dict[int, Supervisor] = {}
        for sheet in sheets:
            if sheet.table is TEAM_TABLE:
                plan.rows += len(sheet.rows)
                for number, row in sheet.rows:
                    plan_supervisor(plan, sheet, number, row, subdistricts, existing, team)
        for sheet in sheets:
            if sheet.table is PAIRS_TABLE:
                plan.rows += len(sheet.rows)
                plan_pairs(plan, sheet, subdistricts, existing, team)
        progress(1, 1)
        return plan

    # --- write ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        payload: SupervisorsPayload = plan.payload
        # The changed supervisors as stored (one read): the plan changed its own copies, and
        # the service compares the stored values with the file's for the audit trail.
        stored = Supervisor.objects.select_related("home_subdistrict", "trainee", "user").in_bulk(
            [s.pk for s in payload.changed]
        )
        for supervisor in payload.changed:
            supervisor_update(
                supervisor=stored[supervisor.pk], actor=actor, **payload.fields[id(supervisor)]
            )
        created: dict[int, int] = {}  # id(supervisor in the plan) -> pk
        for supervisor in payload.new:
            saved = supervisor_create(actor=actor, **payload.fields[id(supervisor)])
            created[id(supervisor)] = saved.pk
        today = timezone.localdate()
        for assignment in payload.ends:
            assignment_end(assignment=assignment, actor=actor, ended_on=today, reason=note)
        by_start: dict[dt.date, list[tuple[int, int, str]]] = defaultdict(list)
        for supervisor, trainee_id, mode, started in payload.pairs_new:
            pk = created.get(id(supervisor), supervisor.pk)
            by_start[started].append((pk, trainee_id, mode))
        for started, pairs in sorted(by_start.items()):
            assignments_bulk_create(pairs=pairs, actor=actor, started_on=started, reason=note)
