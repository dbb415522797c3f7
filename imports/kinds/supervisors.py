"""Kind 2: the supervisor team (督导师) and their pairings (督导关系), in two sheets.

Supervisors are matched by name and home subdistrict (there is no other natural key; a
worker-supervisor may also give their ID number, which links the record to the worker).
Pairings are matched by the worker's ID number: the same supervisor and mode is unchanged,
another supervisor or mode is a change (the current pairing is ended, with the file named as
the reason, and the new one started), none is new.

The rules are the supervisors services': only the district administrator arranges pairings,
only active workers are paired, nobody supervises themselves, a supervisor's active pairings
never exceed their capacity (counted after the whole file, with pairings moved away freed),
and the writes go through `assignment_end` and `assignments_bulk_create`, which lock the
supervisors and re-check capacity against the database. Supervisors are written through
`supervisor_create` and `supervisor_update`, as in the admin site: the same rules, and one
audit event per new or changed supervisor (a district's team is a few hundred people, so one
call per row costs well under a second).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
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
from trainees.identity import id_number_mask, id_number_normalise, id_number_validate
from trainees.models import Trainee, TraineeStatus
from trainees.pii import id_number_hash

from ..readers import (
    CellError,
    cell_text,
    header_key,
    parse_bool,
    parse_date,
    parse_id_number_cell,
    parse_int,
)
from .base import (
    Column,
    ImportKindBase,
    MappedSheet,
    Plan,
    Progress,
    Table,
    choice_labels,
    choice_lookup,
    format_value,
    no_progress,
)

KINDS = choice_lookup(
    Supervisor.Kind, {"社工": "agency", "社会工作机构": "agency", "大学": "university"}
)
LEVELS = choice_lookup(
    QualificationLevel,
    {
        "助理": "assistant",
        "初级": "assistant",
        "中级": "intermediate",
        "高级": "senior",
        "": "none",
    },
)
MODES = choice_lookup(SupervisionMode, {"师徒": "mentor", "师徒制": "mentor", "训练": "drill"})
HOUSING = choice_lookup(HousingType)
_LIST_SPLIT = re.compile(r"[、,，;；/\s]+")

TEAM = (
    Column(
        "username",
        gettext_lazy("登录账号"),
        ("账号", "用户名", "username"),
        help=gettext_lazy("已有督导师的登录账号，用于准确匹配；新督导师留空"),
        width=12,
    ),
    Column("name", gettext_lazy("姓名"), ("督导师姓名", "name"), required=True, width=10),
    Column("kind", gettext_lazy("来源"), ("类别", "kind"), options="kind", width=12),
    Column(
        "organisation", gettext_lazy("所在机构"), ("机构", "工作单位", "organisation"), width=22
    ),
    Column(
        "qualification",
        gettext_lazy("职业水平"),
        ("职业资格", "证书等级", "qualification"),
        options="qualification",
        width=14,
    ),
    Column(
        "home_subdistrict",
        gettext_lazy("所属街道（镇）"),
        ("街道（镇）", "街道", "home subdistrict"),
        required=True,
        options="subdistrict",
        width=14,
    ),
    Column(
        "capacity",
        gettext_lazy("带教容量"),
        ("容量", "capacity"),
        help=gettext_lazy("留空为 10 人"),
        width=8,
    ),
    Column(
        "specialties",
        gettext_lazy("擅长住房类型"),
        ("擅长", "specialties"),
        help=gettext_lazy("可填多个，用“、”分隔"),
        width=22,
    ),
    Column("is_active", gettext_lazy("在任"), ("是否在任", "active"), options="yes_no", width=6),
    Column(
        "id_number",
        gettext_lazy("身份证号"),
        ("身份证号码", "id number"),
        help=gettext_lazy("来源为社区工作者时填写，用于关联其档案"),
        width=21,
    ),
)
PAIRS = (
    Column(
        "supervisor_username",
        gettext_lazy("督导师账号"),
        ("督导师登录账号", "supervisor username"),
        help=gettext_lazy("督导师重名时用于区分"),
        width=12,
    ),
    Column(
        "supervisor", gettext_lazy("督导师"), ("督导师姓名", "supervisor"), required=True, width=10
    ),
    Column(
        "supervisor_home",
        gettext_lazy("督导师所属街道（镇）"),
        ("supervisor subdistrict",),
        options="subdistrict",
        help=gettext_lazy("督导师重名时用于区分"),
        width=16,
    ),
    Column(
        "trainee_id_number",
        gettext_lazy("社区工作者身份证号"),
        ("学员身份证号", "worker id number"),
        required=True,
        width=21,
    ),
    Column(
        "trainee_name",
        gettext_lazy("社区工作者姓名"),
        ("学员姓名", "worker name"),
        read_only=True,
        help=gettext_lazy("便于核对，导入时不读取"),
        width=10,
    ),
    Column(
        "mode", gettext_lazy("督导方式"), ("方式", "mode"), required=True, options="mode", width=10
    ),
    Column(
        "started_on",
        gettext_lazy("开始日期"),
        ("started on",),
        is_date=True,
        help=gettext_lazy("留空为导入当天"),
        width=12,
    ),
)

TEAM_TABLE = Table("supervisors", gettext_lazy("督导师"), TEAM)
PAIRS_TABLE = Table("pairings", gettext_lazy("督导关系"), PAIRS)


@dataclass
class SupervisorsPayload:
    new: list[Supervisor] = field(default_factory=list)
    changed: list[Supervisor] = field(default_factory=list)
    # id(supervisor) -> the values the file gives it, for the supervisors services.
    fields: dict[int, dict[str, object]] = field(default_factory=dict)
    # (supervisor key or pk, trainee pk, mode, started_on); key for supervisors created here.
    pairs_new: list[tuple[object, int, str, dt.date]] = field(default_factory=list)
    ends: list[Assignment] = field(default_factory=list)


def _stored(supervisor: Supervisor, key: str) -> object:
    """A field's value, a related record by its id (a new supervisor has none yet)."""
    field = Supervisor._meta.get_field(key)
    return getattr(supervisor, field.attname if field.is_relation else key)


class _Index:
    """Existing supervisors by login, by linked worker's ID number, and by name/place/organisation."""

    def __init__(self, supervisors: list[Supervisor]) -> None:
        self.all = supervisors
        self.by_username = {header_key(s.user.username): s for s in supervisors if s.user_id}
        self.by_id_number = {s.trainee.id_number: s for s in supervisors if s.trainee_id}
        self.by_name: dict[tuple[str, int, str], list[Supervisor]] = defaultdict(list)
        for s in supervisors:
            self.by_name[
                (header_key(s.name), s.home_subdistrict_id, header_key(s.organisation))
            ].append(s)

    def match(
        self, values: dict[str, object], username: str
    ) -> tuple[Supervisor | None, tuple[str, str] | None]:
        if username:
            found = self.by_username.get(header_key(username))
            if found is None:
                return None, (
                    "username",
                    _("没有登录账号为“%(name)s”的督导师；新督导师请留空此列。")
                    % {"name": username[:30]},
                )
            return found, None
        trainee = values.get("id_number")
        if trainee is not None and trainee.id_number in self.by_id_number:
            return self.by_id_number[trainee.id_number], None
        key = (
            header_key(str(values["name"])),
            values["home_subdistrict"].pk,
            header_key(str(values.get("organisation", ""))),
        )
        found = self.by_name.get(key, [])
        if len(found) > 1:
            return None, (
                "name",
                _("系统中有多名同名、同街道、同机构的督导师，请填写“登录账号”以区分。"),
            )
        return (found[0] if found else None), None


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
        subdistricts: dict[str, Subdistrict] = {}
        for sub in Subdistrict.objects.all():
            for text in (sub.name, sub.code):
                subdistricts[header_key(text)] = sub
        existing = _Index(
            list(Supervisor.objects.select_related("home_subdistrict", "user", "trainee"))
        )
        # The team after this file: id(supervisor) -> supervisor (new ones unsaved).
        team: dict[int, Supervisor] = {}
        for sheet in sheets:
            if sheet.table is TEAM_TABLE:
                plan.rows += len(sheet.rows)
                for number, row in sheet.rows:
                    self._plan_supervisor(plan, sheet, number, row, subdistricts, existing, team)
        for sheet in sheets:
            if sheet.table is PAIRS_TABLE:
                plan.rows += len(sheet.rows)
                self._plan_pairs(plan, sheet, subdistricts, existing, team)
        progress(1, 1)
        return plan

    def _sub(self, text: object, subdistricts: dict[str, Subdistrict]) -> Subdistrict:
        sub = subdistricts.get(header_key(cell_text(text)))
        if sub is None:
            raise CellError(_("未找到街道（镇）“%(value)s”。") % {"value": cell_text(text)[:30]})
        return sub

    def _plan_supervisor(self, plan, sheet, number, row, subdistricts, existing, team) -> None:
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
        parse("home_subdistrict", lambda raw: self._sub(raw, subdistricts))
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

    def _plan_pairs(self, plan, sheet, subdistricts, existing, team) -> None:
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
                number_text = id_number_normalise(
                    parse_id_number_cell(row.get("trainee_id_number"))
                )
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
                    home = self._sub(row.get("supervisor_home"), subdistricts)
                    candidates = [s for s in candidates if s.home_subdistrict_id == home.pk]
                except CellError as exc:
                    errors.append(("supervisor_home", str(exc)))
            if not name:
                errors.append(("supervisor", _("督导师不能为空。")))
            elif not candidates:
                errors.append(
                    (
                        "supervisor",
                        _("未找到督导师“%(name)s”。")
                        % {"name": cell_text(row.get("supervisor"))[:20]},
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
