"""Planning the pairings sheet: matched by the worker's ID number; the same supervisor and mode
is unchanged, another is a change (the current pairing ends), none is new."""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from neighbourhoods.models import Subdistrict
from supervisors.models import Assignment, SupervisionMode, Supervisor
from trainees.identity import id_number_normalise
from trainees.models import Trainee, TraineeStatus
from trainees.pii import id_number_hash

from ...readers import CellError, cell_text, header_key, parse_date, parse_id_number_cell
from ..base import MappedSheet, Plan, choice_labels
from .columns import MODES
from .lookups import TeamIndex, subdistrict_cell


def plan_pairs(
    plan: Plan,
    sheet: MappedSheet,
    subdistricts: dict[str, Subdistrict],
    existing: TeamIndex,
    team: dict[int, Supervisor],
) -> None:
    """Plan the pairings sheet against the team as the file leaves it (`team`): each row's
    worker and supervisor found, the pairing rules checked, and capacity counted after the
    whole file, with the pairings moved away freed."""
    rows = sheet.rows
    ids = set()
    for _n, row in rows:
        with contextlib.suppress(CellError):
            ids.add(id_number_normalise(parse_id_number_cell(row.get("trainee_id_number"))))
    hashes = [id_number_hash(n) for n in ids]
    trainees = {t.id_number: t for t in Trainee.objects.filter(id_number_hash__in=hashes)}
    current = {
        a.trainee_id: a
        for a in Assignment.objects.filter(
            trainee__id_number_hash__in=hashes, ended_on__isnull=True
        ).select_related("supervisor")
    }
    loads = Counter(
        dict(
            Supervisor.objects.annotate(
                n=Count("assignments", filter=Q(assignments__ended_on__isnull=True))
            ).values_list("pk", "n")
        )
    )
    by_name: dict[str, list[Supervisor]] = defaultdict(list)
    by_username: dict[str, Supervisor] = {}
    for s in existing.all:
        if id(s) not in team:
            by_name[header_key(s.name)].append(s)
            if s.user_id:
                by_username[header_key(s.user.username)] = s
    for s in team.values():
        by_name[header_key(s.name)].append(s)
        if s.user_id:
            by_username[header_key(s.user.username)] = s
    seen: dict[int, int] = {}
    added: dict[int, int] = defaultdict(int)  # id(supervisor) -> added pairings
    freed: dict[int, int] = defaultdict(int)  # supervisor pk -> pairings moved away
    today = timezone.localdate()
    for number, row in rows:
        errors: list[tuple[str, str]] = []
        try:
            number_text = id_number_normalise(parse_id_number_cell(row.get("trainee_id_number")))
            trainee = trainees.get(number_text)
            if trainee is None:
                raise CellError(_("系统中没有该身份证号的社区工作者，请先导入名册。"))
        except CellError as exc:
            errors.append(("trainee_id_number", str(exc)))
            trainee = None
        supervisor = None
        name = header_key(cell_text(row.get("supervisor")))
        candidates = by_name.get(name, [])
        username = header_key(cell_text(row.get("supervisor_username")))
        if username:
            candidates = [by_username[username]] if username in by_username else []
        if row.get("supervisor_home") is not None:
            try:
                home = subdistrict_cell(row.get("supervisor_home"), subdistricts)
                candidates = [s for s in candidates if s.home_subdistrict_id == home.pk]
            except CellError as exc:
                errors.append(("supervisor_home", str(exc)))
        if not name:
            errors.append(("supervisor", _("督导师不能为空。")))
        elif not candidates:
            errors.append(
                (
                    "supervisor",
                    _("未找到督导师“%(name)s”。") % {"name": cell_text(row.get("supervisor"))[:20]},
                )
            )
        elif len(candidates) > 1:
            errors.append(
                (
                    "supervisor",
                    _("有多名同名督导师，请填写“督导师账号”或“督导师所属街道（镇）”。"),
                )
            )
        else:
            supervisor = candidates[0]
        mode = MODES.get(header_key(cell_text(row.get("mode"))))
        if mode is None:
            errors.append(
                (
                    "mode",
                    _("督导方式应为：%(allowed)s。")
                    % {"allowed": "、".join(choice_labels(SupervisionMode))},
                )
            )
        started = today
        if row.get("started_on") is not None:
            try:
                started = parse_date(row.get("started_on"))
            except CellError as exc:
                errors.append(("started_on", str(exc)))
        if trainee is not None and supervisor is not None and not errors:
            if trainee.pk in seen:
                errors.append(
                    (
                        "trainee_id_number",
                        _("与第 %(row)d 行是同一名社区工作者。") % {"row": seen[trainee.pk]},
                    )
                )
            elif trainee.status != TraineeStatus.ACTIVE:
                errors.append(("trainee_id_number", _("只能为在岗社区工作者安排督导师。")))
            elif supervisor.trainee_id and supervisor.trainee_id == trainee.pk:
                errors.append(("supervisor", _("督导师不能督导自己。")))
            elif not supervisor.is_active:
                errors.append(("supervisor", _("该督导师已停用。")))
        if errors:
            for key, message in errors:
                plan.errors.append(sheet.error(number, key, message, row.get(key)))
            continue
        seen[trainee.pk] = number
        now = current.get(trainee.pk)
        if now is not None and now.supervisor_id == supervisor.pk and now.mode == mode:
            plan.unchanged += 1
            continue
        load = (loads[supervisor.pk] if supervisor.pk else 0) - freed[supervisor.pk or 0]
        if load + added[id(supervisor)] + 1 > supervisor.capacity:
            plan.errors.append(
                sheet.error(
                    number,
                    "supervisor",
                    _("%(name)s 的带教容量为 %(capacity)d 人，本行超出容量。")
                    % {"name": supervisor.name, "capacity": supervisor.capacity},
                    row.get("supervisor"),
                )
            )
            continue
        added[id(supervisor)] += 1
        if now is not None:
            freed[now.supervisor_id] += 1
            plan.payload.ends.append(now)
            plan.changed += 1
            plan.note_change(
                sheet.sheet,
                number,
                trainee.name,
                [f"{now.supervisor.name} → {supervisor.name}"],
            )
        else:
            plan.new += 1
        plan.payload.pairs_new.append((supervisor, trainee.pk, mode, started))
