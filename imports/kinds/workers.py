"""Kind 1: the roster of community workers (社区工作者名册), matched by ID number.

The columns are the roster export's (trainees/exports.py `roster_headers`), so an exported
roster comes back unchanged. A file of 100,000 rows cannot go through `trainee_create` one row
at a time (a query or three per row), so this kind validates every row in Python against
lookups loaded once (subdistricts, committees by subdistrict and name, grades, the workers with
the file's ID numbers) and writes with `bulk_create` / `bulk_update` in the import's single
transaction. The rules are the services' own: each row goes through
`trainees.services.trainee_rule_errors` (ID check character, ID agrees with gender and birth
date, committee within the subdistrict, the administrator's scope, joined after started, 16 or
older); the status rules are those of `trainee_mark_left` and `trainee_set_status` (a date left
only for those who left, not before joining, not in the future). What `full_clean` would check
field by field (choices, lengths, dates) the column parsers below enforce: they only produce
valid codes, loaded objects and dates, and refuse text longer than the model allows. Uniqueness
of the ID number is held by matching on it, by the duplicate check within the file and, at
write time, by the database's unique constraint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.exports import roster_rows
from trainees.identity import (
    id_check_char,
    id_number_normalise,
    is_masked,
    mobile_mask,
    mobile_normalise,
)
from trainees.models import (
    CareerGrade,
    Education,
    Gender,
    PoliticalStatus,
    Post,
    Trainee,
    TraineeStatus,
)
from trainees.pii import id_number_hash
from trainees.selectors import trainee_list
from trainees.services import trainee_rule_errors

from ..readers import CellError, cell_text, header_key, parse_bool, parse_date, parse_id_number_cell
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

CHUNK = 2000

GENDERS = choice_lookup(Gender, {"男性": "M", "女性": "F"})
POLITICS = choice_lookup(
    PoliticalStatus,
    {
        "党员": "cpc",
        "中国共产党党员": "cpc",
        "共产党员": "cpc",
        "预备党员": "cpc_probationary",
        "中国共产党预备党员": "cpc_probationary",
        "团员": "cyl",
        "中国共产主义青年团团员": "cyl",
        "民主党派成员": "democratic_party",
        "无党派人士": "masses",
        "无党派": "masses",
    },
)
POSTS = choice_lookup(
    Post,
    {
        "书记": "secretary",
        "党总支书记": "secretary",
        "党支部书记": "secretary",
        "主任": "director",
        "副书记": "deputy",
        "副主任": "deputy",
        "社工": "general",
    },
)
EDUCATIONS = choice_lookup(
    Education,
    {
        "初中": "junior",
        "小学": "junior",
        "高中": "high_school",
        "中专": "high_school",
        "职高": "high_school",
        "技校": "high_school",
        "专科": "junior_college",
        "大学专科": "junior_college",
        "大学本科": "bachelor",
        "学士": "bachelor",
        "研究生": "master",
        "硕士研究生": "master",
        "博士研究生": "doctor",
    },
)
STATUSES = choice_lookup(
    TraineeStatus,
    {"在职": "active", "休假": "on_leave", "借调": "on_leave", "离职": "left", "退休": "left"},
)

ROSTER = Table(
    key="roster",
    title=gettext_lazy("名册"),
    columns=(
        Column("name", gettext_lazy("姓名"), ("name", "名字", "人员姓名"), required=True, width=10),
        Column("gender", gettext_lazy("性别"), ("gender", "sex"), options="gender", width=6),
        Column(
            "birth_date",
            gettext_lazy("出生日期"),
            ("出生年月日", "生日", "birth date", "date of birth"),
            is_date=True,
            width=12,
        ),
        Column(
            "id_number",
            gettext_lazy("身份证号"),
            ("身份证号码", "公民身份号码", "身份证", "证件号码", "id number", "id no"),
            required=True,
            width=21,
        ),
        Column(
            "mobile",
            gettext_lazy("手机号"),
            ("手机", "手机号码", "联系电话", "mobile", "phone"),
            width=13,
        ),
        Column(
            "political_status",
            gettext_lazy("政治面貌"),
            ("political status",),
            options="political_status",
            width=12,
        ),
        Column(
            "subdistrict",
            gettext_lazy("街道（镇）"),
            ("街道", "街镇", "所属街道", "subdistrict"),
            required=True,
            options="subdistrict",
            width=14,
        ),
        Column(
            "neighbourhood",
            gettext_lazy("居委会"),
            ("居民委员会", "居委", "所在居委会", "committee", "neighbourhood"),
            options="neighbourhood",
            help=gettext_lazy("留空表示在街道社区办工作"),
            width=16,
        ),
        Column(
            "housing_type",
            gettext_lazy("住房类型"),
            ("housing type",),
            read_only=True,
            help=gettext_lazy("由居委会决定，导入时不读取"),
            width=12,
        ),
        Column(
            "post", gettext_lazy("岗位"), ("职务", "post", "position"), options="post", width=12
        ),
        Column(
            "grade", gettext_lazy("岗位等级"), ("等级", "级别", "grade"), options="grade", width=10
        ),
        Column(
            "education",
            gettext_lazy("学历"),
            ("最高学历", "文化程度", "education"),
            required=True,
            options="education",
            width=10,
        ),
        Column("major", gettext_lazy("专业"), ("所学专业", "major"), width=14),
        Column(
            "major_is_social_work",
            gettext_lazy("社会工作专业"),
            ("是否社会工作专业", "社工专业", "social work major"),
            options="yes_no",
            width=8,
        ),
        Column(
            "started_community_work",
            gettext_lazy("从事社区工作日期"),
            ("从事社区工作时间", "参加社区工作时间", "社区工作起始日期", "started community work"),
            required=True,
            is_date=True,
            width=12,
        ),
        Column(
            "joined",
            gettext_lazy("入职日期"),
            ("入职时间", "到岗日期", "joined"),
            required=True,
            is_date=True,
            width=12,
        ),
        Column("status", gettext_lazy("状态"), ("在岗状态", "status"), options="status", width=10),
        Column(
            "left_on",
            gettext_lazy("离职日期"),
            ("离职时间", "left on"),
            is_date=True,
            help=gettext_lazy("仅“已离职”人员填写"),
            width=12,
        ),
    ),
)

# Model attribute compared and written for each column (foreign keys by id).
ATTRS = {
    "name": "name",
    "gender": "gender",
    "birth_date": "birth_date",
    "id_number": "id_number",
    "mobile": "mobile",
    "political_status": "political_status",
    "subdistrict": "subdistrict_id",
    "neighbourhood": "neighbourhood_id",
    "post": "post",
    "grade": "grade_id",
    "education": "education",
    "major": "major",
    "major_is_social_work": "major_is_social_work",
    "started_community_work": "started_community_work",
    "joined": "joined",
    "status": "status",
    "left_on": "left_on",
}
COLUMNS = {column.key: column for column in ROSTER.columns}
CHOICE_LOOKUPS = {
    "gender": GENDERS,
    "political_status": POLITICS,
    "post": POSTS,
    "education": EDUCATIONS,
    "status": STATUSES,
}
CHOICE_CLASSES = {
    "gender": Gender,
    "political_status": PoliticalStatus,
    "post": Post,
    "education": Education,
    "status": TraineeStatus,
}
_MISSING = object()
# Columns whose parsed value depends only on the cell (and, for a committee, the subdistrict).
_MEMO_KEYS = frozenset(
    {
        "gender",
        "birth_date",
        "political_status",
        "subdistrict",
        "neighbourhood",
        "post",
        "grade",
        "education",
        "major_is_social_work",
        "started_community_work",
        "joined",
        "status",
        "left_on",
    }
)
MAX_LENGTHS = {key: Trainee._meta.get_field(key).max_length for key in ("name", "major")}
_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass
class Lookups:
    subdistricts: dict[str, Subdistrict]
    committees: dict[tuple[int, str], Neighbourhood]
    committees_by_id: dict[int, Neighbourhood]
    grades: dict[str, CareerGrade]

    @classmethod
    def load(cls) -> Lookups:
        subdistricts: dict[str, Subdistrict] = {}
        by_id: dict[int, Subdistrict] = {}
        for sub in Subdistrict.objects.all():
            by_id[sub.pk] = sub
            for key in (sub.name, sub.code, _strip_suffix(sub.name, ("街道", "镇"))):
                subdistricts.setdefault(header_key(key), sub)
        committees: dict[tuple[int, str], Neighbourhood] = {}
        committees_by_id: dict[int, Neighbourhood] = {}
        for nb in Neighbourhood.objects.all():
            nb.subdistrict = by_id[nb.subdistrict_id]  # cached: the rules read it per row
            committees_by_id[nb.pk] = nb
            for key in (nb.name, _strip_suffix(nb.name, ("居民委员会", "居委会", "居委"))):
                committees.setdefault((nb.subdistrict_id, header_key(key)), nb)
        grades: dict[str, CareerGrade] = {}
        for grade in CareerGrade.objects.all():
            for key in (grade.name, str(grade.level), f"{grade.level}级"):
                grades.setdefault(header_key(key), grade)
        return cls(subdistricts, committees, committees_by_id, grades)

    def committee(self, subdistrict_id: int, text: str) -> Neighbourhood | None:
        key = header_key(text)
        return self.committees.get((subdistrict_id, key)) or self.committees.get(
            (subdistrict_id, header_key(_strip_suffix(text, ("居民委员会", "居委会", "居委"))))
        )


@dataclass
class WorkersPayload:
    new: list[Trainee] = field(default_factory=list)
    changed: list[Trainee] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    # What the plan saw: ID number -> updated_at of matched workers; new ID numbers.
    seen: dict[str, dt.datetime] = field(default_factory=dict)
    new_ids: list[str] = field(default_factory=list)


class _RowFailed(Exception):
    pass


class WorkersKind(ImportKindBase):
    code = "workers"
    label = gettext_lazy("社区工作者名册")
    tables = (ROSTER,)

    # --- template and export -----------------------------------------------------------------

    def options(self, user: User) -> dict[str, list[str]]:
        subs = Subdistrict.objects.order_by("code")
        if user.is_subdistrict_admin:
            subs = subs.filter(pk=user.subdistrict_id)
        committees = Neighbourhood.objects.filter(subdistrict__in=subs).order_by(
            "subdistrict__code", "name"
        )
        return {
            "gender": choice_labels(Gender),
            "political_status": choice_labels(PoliticalStatus),
            "subdistrict": [s.name for s in subs],
            "neighbourhood": list(dict.fromkeys(nb.name for nb in committees)),
            "post": choice_labels(Post),
            "grade": list(CareerGrade.objects.order_by("level").values_list("name", flat=True)),
            "education": choice_labels(Education),
            "yes_no": [_("是"), _("否")],
            "status": choice_labels(TraineeStatus),
        }

    def example_rows(self, user: User) -> dict[str, list[object]]:
        subs = Subdistrict.objects.order_by("code")
        if user.is_subdistrict_admin:
            subs = subs.filter(pk=user.subdistrict_id)
        sub = subs.first()
        nb = sub.neighbourhoods.order_by("name").first() if sub else None
        grade = CareerGrade.objects.filter(level__gte=1).order_by("level").first()
        first17 = "31010519900517002"  # an even 17th digit: a woman
        return {
            "roster": [
                _("张晓燕（示例）"),
                str(Gender.FEMALE.label),
                dt.date(1990, 5, 17),
                first17 + id_check_char(first17),
                "13912345678",
                str(PoliticalStatus.MASSES.label),
                sub.name if sub else _("华阳路街道"),
                nb.name if nb else "",
                nb.get_housing_type_display() if nb else "",
                str(Post.GENERAL.label),
                grade.name if grade else "",
                str(Education.BACHELOR.label),
                _("社会工作"),
                _("是"),
                dt.date(2015, 7, 1),
                dt.date(2016, 3, 1),
                str(TraineeStatus.ACTIVE.label),
                "",
            ]
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        # Masked for all but the district (User.sees_full_identity): the birth date column is
        # left blank rather than holding an age, so that it stays a date column on import.
        rows = roster_rows(
            trainee_list(user=user), full=user.sees_full_identity, masked_birth="blank"
        )
        return {"roster": rows}

    # --- plan ----------------------------------------------------------------------------------

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        plan = Plan(payload=WorkersPayload())
        lookups = Lookups.load()
        memo: dict[tuple, object] = {}  # per plan: the kind object is shared between requests
        rows = [(sheet, number, row) for sheet in sheets for number, row in sheet.rows]
        plan.rows = len(rows)
        existing = self._existing(rows)
        first_seen: dict[str, tuple[str, int]] = {}
        today = timezone.localdate()
        for i, (sheet, number, row) in enumerate(rows):
            if i % 500 == 0:
                progress(i, len(rows))
            errors: dict[str, list[str]] = {}
            values = self._parse(sheet, row, lookups, errors, memo)
            id_number = values.get("id_number", "")
            if id_number and "id_number" not in errors:
                earlier = first_seen.get(id_number)
                if earlier is not None:
                    errors.setdefault("id_number", []).append(
                        _("与“%(sheet)s”第 %(row)d 行的身份证号重复。")
                        % {"sheet": earlier[0], "row": earlier[1]}
                    )
                else:
                    first_seen[id_number] = (sheet.sheet, number)
            if errors:
                self._report(plan, sheet, number, row, errors)
                continue
            self._plan_row(plan, sheet, number, row, values, existing, lookups, actor, today)
        progress(len(rows), len(rows))
        return plan

    def _existing(self, rows: list[tuple[MappedSheet, int, dict]]) -> dict[str, Trainee]:
        ids = set()
        for _sheet, _number, row in rows:
            try:
                ids.add(id_number_normalise(parse_id_number_cell(row.get("id_number"))))
            except CellError:
                continue
        ids.discard("")
        ordered = sorted(ids)
        found: dict[str, Trainee] = {}
        for start in range(0, len(ordered), CHUNK):
            hashes = [id_number_hash(n) for n in ordered[start : start + CHUNK]]
            for t in Trainee.objects.filter(id_number_hash__in=hashes):
                found[t.id_number] = t
        return found

    def _parse(
        self,
        sheet: MappedSheet,
        row: dict[str, object],
        lookups: Lookups,
        errors: dict[str, list[str]],
        memo: dict[tuple, object],
    ) -> dict[str, object]:
        """Cell values as model values, for the columns the sheet has; errors by column key."""
        values: dict[str, object] = {}

        def fail(key: str, message: str) -> None:
            errors.setdefault(key, []).append(message)

        for key in sheet.headers:
            column = COLUMNS[key]
            if column.read_only:
                continue
            raw = row.get(key)
            if raw is None:
                if column.required:
                    fail(key, _("%(column)s不能为空。") % {"column": column.header})
                    continue
                values[key] = self._blank(key)
                continue
            # A roster repeats the same few hundred spellings of subdistricts, committees,
            # choices and dates: each distinct (column, cell) is parsed once per file.
            scope = values.get("subdistrict") if key == "neighbourhood" else None
            memo_key = (key, type(raw), raw, getattr(scope, "pk", None))
            try:
                cached = memo.get(memo_key, _MISSING) if key in _MEMO_KEYS else _MISSING
            except TypeError:
                cached = _MISSING
            if cached is _MISSING:
                try:
                    cached = self._cell(key, raw, values, lookups)
                except CellError as exc:
                    cached = exc
                if key in _MEMO_KEYS:
                    memo[memo_key] = cached
            if isinstance(cached, CellError):
                fail(key, str(cached))
            else:
                values[key] = cached
        return values

    @staticmethod
    def _blank(key: str) -> object:
        return {
            "gender": "",
            "birth_date": None,
            "mobile": "",
            "political_status": PoliticalStatus.MASSES,
            "neighbourhood": None,
            "post": Post.GENERAL,
            "grade": None,
            "major": "",
            "major_is_social_work": False,
            "status": TraineeStatus.ACTIVE,
            "left_on": None,
        }[key]

    def _cell(self, key: str, raw: object, values: dict[str, object], lookups: Lookups) -> object:
        column = COLUMNS[key]
        if column.is_date:
            return parse_date(raw)
        if key == "id_number":
            text = parse_id_number_cell(raw)
            # 310105********123X (the old mask) or **************123X: a masked export.
            if is_masked(text):
                raise CellError(_("身份证号已打码（含 *），无法识别人员；请填写完整的身份证号。"))
            return id_number_normalise(text)
        if key == "major_is_social_work":
            return parse_bool(raw)
        if key == "mobile":
            text = mobile_normalise(raw)  # validated with the rules
            if is_masked(text):
                raise CellError(_("手机号已打码（含 *），无法导入；请填写完整的手机号。"))
            return text
        text = cell_text(raw).strip()
        choices = CHOICE_LOOKUPS.get(key)
        if choices is not None:
            code = choices.get(header_key(text))
            if code is None:
                raise CellError(
                    _("“%(value)s”不是有效的%(column)s，可填：%(allowed)s。")
                    % {
                        "value": text[:30],
                        "column": column.header,
                        "allowed": "、".join(choice_labels(CHOICE_CLASSES[key])),
                    }
                )
            return code
        if key == "subdistrict":
            sub = lookups.subdistricts.get(header_key(text))
            if sub is None:
                raise CellError(
                    _("未找到街道（镇）“%(value)s”，请填写完整名称，如“华阳路街道”。")
                    % {"value": text[:30]}
                )
            return sub
        if key == "neighbourhood":
            sub = values.get("subdistrict")
            if not isinstance(sub, Subdistrict):
                raise CellError(_("街道（镇）有误，无法核对居委会。"))
            nb = lookups.committee(sub.pk, text)
            if nb is None:
                raise CellError(
                    _("“%(value)s”不是%(subdistrict)s的居委会。")
                    % {"value": text[:40], "subdistrict": sub.name}
                )
            return nb
        if key == "grade":
            grade = lookups.grades.get(header_key(text))
            if grade is None:
                raise CellError(_("未找到岗位等级“%(value)s”。") % {"value": text[:20]})
            return grade
        if key == "name":
            text = _CJK_SPACES.sub("", text)
        max_length = MAX_LENGTHS[key]
        if len(text) > max_length:
            raise CellError(
                _("%(column)s不能超过 %(max)d 个字，当前 %(n)d 个。")
                % {"column": column.header, "max": max_length, "n": len(text)}
            )
        return text

    def _plan_row(
        self,
        plan: Plan,
        sheet: MappedSheet,
        number: int,
        row: dict[str, object],
        values: dict[str, object],
        existing: dict[str, Trainee],
        lookups: Lookups,
        actor: User,
        today: dt.date,
    ) -> None:
        payload: WorkersPayload = plan.payload
        id_number = str(values["id_number"])
        current = existing.get(id_number)
        scoped = actor.is_subdistrict_admin
        sub = values.get("subdistrict")
        if scoped and isinstance(sub, Subdistrict) and sub.pk != actor.subdistrict_id:
            # Refused for what the row itself says, and for that alone: whether its number is
            # registered elsewhere is not looked at, so the answer cannot tell.
            self._report(
                plan,
                sheet,
                number,
                row,
                {
                    "subdistrict": [
                        _("只能导入本街道（镇）（%(own)s）的社区工作者，此行为“%(other)s”。")
                        % {"own": actor.subdistrict.name, "other": sub.name}
                    ]
                },
            )
            return
        if scoped and current is not None and current.subdistrict_id != actor.subdistrict_id:
            # The number is a worker of another subdistrict. Saying so would let anyone with
            # the import page test whether any ID number is registered in the district (issue
            # 15), so the row is refused as a whole, without naming the number, the column or
            # the record: only that it touches something outside the actor's scope.
            plan.errors.append(sheet.error(number, "", out_of_scope_message()))
            return

        trainee = current if current is not None else Trainee()
        before = {key: getattr(trainee, ATTRS[key]) for key in values} if current else {}
        for key, value in values.items():
            setattr(trainee, key, value)
        if trainee.neighbourhood_id and "neighbourhood" not in values:
            # A loaded instance, so that the committee rule reads no row per worker.
            trainee.neighbourhood = lookups.committees_by_id[trainee.neighbourhood_id]
        # Matching is by ID number, so a number already registered means "this row updates that
        # worker", never a clash: duplicates within the file are caught above.
        errors = trainee_rule_errors(trainee, actor=actor, id_number_taken=lambda n, pk: False)
        self._status_rules(trainee, errors, today)
        if errors:
            self._report(plan, sheet, number, row, errors)
            return
        if current is None:
            plan.new += 1
            payload.new.append(trainee)
            payload.new_ids.append(id_number)
            return
        payload.seen[id_number] = current.updated_at
        diff = [key for key in values if getattr(trainee, ATTRS[key]) != before[key]]
        if not diff:
            plan.unchanged += 1
            return
        plan.changed += 1
        payload.changed.append(trainee)
        payload.changed_fields.update(ATTRS[key] for key in diff)
        if len(plan.changes) < plan.CHANGE_SAMPLE:
            plan.note_change(
                sheet.sheet,
                number,
                trainee.name,
                [
                    f"{ROSTER.column(key).header}：{self._shown(key, before[key], lookups)} → "
                    f"{self._shown(key, getattr(trainee, ATTRS[key]), lookups)}"
                    for key in diff
                ],
            )

    @staticmethod
    def _status_rules(trainee: Trainee, errors: dict[str, list[str]], today: dt.date) -> None:
        # The rules of trainee_mark_left / trainee_set_status, and the model's two constraints.
        if trainee.status == TraineeStatus.LEFT and not trainee.left_on:
            errors.setdefault("left_on", []).append(_("状态为“已离职”时须填写离职日期。"))
        elif trainee.status != TraineeStatus.LEFT and trainee.left_on:
            errors.setdefault("left_on", []).append(_("只有“已离职”的人员才填写离职日期。"))
        elif trainee.left_on:
            if trainee.joined and trainee.left_on < trainee.joined:
                errors.setdefault("left_on", []).append(_("离职日期不能早于入职日期。"))
            if trainee.left_on > today:
                errors.setdefault("left_on", []).append(_("离职日期不能晚于今天。"))

    @staticmethod
    def _shown(key: str, value: object, lookups: Lookups) -> str:
        if value is None or value == "":
            return format_value(value)
        if key == "subdistrict":
            return next(
                (s.name for s in lookups.subdistricts.values() if s.pk == value), str(value)
            )
        if key == "neighbourhood":
            nb = lookups.committees_by_id.get(value)
            return nb.name if nb else str(value)
        if key == "grade":
            return next((g.name for g in lookups.grades.values() if g.pk == value), str(value))
        if key == "mobile":
            # The change sample is kept with the run and read by every administrator of it.
            return mobile_mask(str(value))
        if key in ("gender", "political_status", "post", "education", "status"):
            field_ = Trainee._meta.get_field(key)
            return str(dict(field_.flatchoices).get(value, value))
        return format_value(value)

    @staticmethod
    def _report(
        plan: Plan,
        sheet: MappedSheet,
        number: int,
        row: dict[str, object],
        errors: dict[str, list[str]],
    ) -> None:
        for key, messages in errors.items():
            for message in messages:
                # sheet.error names the column as the file wrote it, or by the template's name
                # for a rule on a column the file does not have (e.g. birth date from the ID).
                plan.errors.append(sheet.error(number, key, message, row.get(key)))

    # --- write ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        payload: WorkersPayload = plan.payload
        self._check_unchanged_since_plan(payload)
        Trainee.objects.bulk_create(payload.new, batch_size=1000)
        if payload.changed:
            now = timezone.now()
            for trainee in payload.changed:
                trainee.updated_at = now
            Trainee.objects.bulk_update(
                payload.changed,
                sorted(_columns(payload.changed_fields) | {"updated_at"}),
                batch_size=1000,
            )

    @staticmethod
    def _check_unchanged_since_plan(payload: WorkersPayload) -> None:
        # The plan was checked outside this transaction (so that progress could be shown);
        # if anyone changed or added one of these workers since, the checks no longer hold.
        by_hash = {id_number_hash(n): n for n in [*payload.seen, *payload.new_ids]}
        hashes = sorted(by_hash)
        moved = 0
        for start in range(0, len(hashes), CHUNK):
            for hashed, updated_at in Trainee.objects.filter(
                id_number_hash__in=hashes[start : start + CHUNK]
            ).values_list("id_number_hash", "updated_at"):
                if payload.seen.get(by_hash[hashed]) != updated_at:
                    moved += 1
        if moved:
            raise ValidationError(
                _("校验之后有 %(n)d 名社区工作者的档案被修改或新增，请重新上传预览。")
                % {"n": moved}
            )


def out_of_scope_message() -> str:
    """The one answer for a row that would touch a record outside the actor's scope."""
    return _("该行无法导入：与您管辖范围以外的记录冲突，请联系区管理员。")


def _columns(fields: set[str]) -> set[str]:
    """Model columns behind the attributes: the ID number is stored as three (trainees/pii.py)."""
    if "id_number" not in fields:
        return set(fields)
    return (fields - {"id_number"}) | {"id_number_encrypted", "id_number_hash", "id_number_tail"}
