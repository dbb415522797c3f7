"""Planning the team sheet: each row read into a supervisor's fields, matched to the stored
team, and kept for `supervisor_create` / `supervisor_update` (the admin site's rules)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from neighbourhoods.models import HousingType, Subdistrict
from supervisors.models import QualificationLevel, Supervisor
from trainees.identity import id_number_normalise, id_number_validate
from trainees.models import Trainee
from trainees.pii import id_number_hash

from ...readers import (
    CellError,
    cell_text,
    header_key,
    parse_bool,
    parse_id_number_cell,
    parse_int,
)
from ..base import MappedSheet, Plan, choice_labels, format_value
from .columns import HOUSING, KINDS, LEVELS
from .lookups import TeamIndex, subdistrict_cell

_LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


def _stored(supervisor: Supervisor, key: str) -> object:
    """A field's value, a related record by its id (a new supervisor has none yet)."""
    field = Supervisor._meta.get_field(key)
    return getattr(supervisor, field.attname if field.is_relation else key)


def plan_supervisor(
    plan: Plan,
    sheet: MappedSheet,
    number: int,
    row: dict[str, object],
    subdistricts: dict[str, Subdistrict],
    existing: TeamIndex,
    team: dict[int, Supervisor],
) -> None:
    """Plan one row of the team sheet: read its cells, match it to a stored supervisor (or a
    new one), and note what the write would give the supervisors services."""
    errors: list[tuple[str, str]] = []
    values: dict[str, object] = {}

    def parse(key: str, fn) -> None:
        if key not in sheet.headers:
            return
        try:
            values[key] = fn(row.get(key))
        except CellError as exc:
            errors.append((key, str(exc)))

    def choice(lookup, labels):
        def fn(raw):
            if raw is None:
                return None
            code = lookup.get(header_key(cell_text(raw)))
            if code is None:
                raise CellError(
                    _("“%(value)s”无效，可填：%(allowed)s。")
                    % {"value": cell_text(raw)[:30], "allowed": "、".join(labels)}
                )
            return code

        return fn

    def text(max_length: int, required: bool = False):
        def fn(raw):
            value = cell_text(raw).strip()
            if required and not value:
                raise CellError(_("不能为空。"))
            if len(value) > max_length:
                raise CellError(_("不能超过 %(max)d 个字。") % {"max": max_length})
            return value

        return fn

    def specialties(raw):
        if raw is None:
            return []
        codes = []
        for part in _LIST_SPLIT.split(cell_text(raw)):
            if not part:
                continue
            code = HOUSING.get(header_key(part))
            if code is None:
                raise CellError(
                    _("“%(value)s”不是住房类型，可填：%(allowed)s。")
                    % {"value": part[:20], "allowed": "、".join(choice_labels(HousingType))}
                )
            codes.append(code)
        return sorted(set(codes))

    def trainee_link(raw):
        if raw is None:
            return None
        try:
            number = id_number_validate(id_number_normalise(parse_id_number_cell(raw)))
        except ValidationError as exc:
            raise CellError(" ".join(exc.messages)) from exc
        trainee = Trainee.objects.filter(id_number_hash=id_number_hash(number)).first()
        if trainee is None:
            raise CellError(_("系统中没有该身份证号的社区工作者。"))
        return trainee

    parse("name", text(40, required=True))
    parse("kind", choice(KINDS, choice_labels(Supervisor.Kind)))
    parse("organisation", text(80))
    parse("qualification", choice(LEVELS, choice_labels(QualificationLevel)))
    parse("home_subdistrict", lambda raw: subdistrict_cell(raw, subdistricts))
    parse("capacity", lambda raw: 10 if raw is None else parse_int(raw, low=1, high=50))
    parse("specialties", specialties)
    parse("is_active", lambda raw: True if raw is None else parse_bool(raw))
    parse("id_number", trainee_link)
    current = None
    if not errors:
        current, problem = existing.match(values, cell_text(row.get("username")))
        if problem:
            errors.append(problem)
        elif current is not None and id(current) in team:
            errors.append(("name", _("同一名督导师在文件中出现了两次。")))
    if errors:
        for key, message in errors:
            plan.errors.append(sheet.error(number, key, message, row.get(key)))
        return
    supervisor = current or Supervisor()
    # The service's keyword arguments (supervisor_create / supervisor_update).
    attrs = {
        "name": values["name"],
        "home_subdistrict": values["home_subdistrict"],
        "kind": values.get("kind") or (current.kind if current else Supervisor.Kind.WORKER),
        "organisation": values.get("organisation", current.organisation if current else ""),
        "qualification": values.get("qualification")
        or (current.qualification if current else QualificationLevel.NONE),
        "capacity": values.get("capacity", current.capacity if current else 10),
        "specialties": values.get("specialties", current.specialties if current else []),
        "is_active": values.get("is_active", current.is_active if current else True),
    }
    if current is not None and sorted(current.specialties) == attrs["specialties"]:
        attrs["specialties"] = current.specialties  # the same set, in the stored order
    if "id_number" in values:
        attrs["trainee"] = values["id_number"]
    diff = [k for k, v in attrs.items() if _stored(supervisor, k) != getattr(v, "pk", v)]
    # The plan works on the supervisor as the file leaves it (pairings below count its
    # capacity); the write gives the service these values, not this object.
    for k, v in attrs.items():
        setattr(supervisor, k, v)
    team[id(supervisor)] = supervisor
    plan.payload.fields[id(supervisor)] = attrs
    if current is None:
        plan.new += 1
        plan.payload.new.append(supervisor)
    elif diff:
        plan.changed += 1
        plan.payload.changed.append(supervisor)
        plan.note_change(
            sheet.sheet,
            number,
            supervisor.name,
            [f"{k}：{format_value(attrs[k])}" for k in diff],
        )
    else:
        plan.unchanged += 1
