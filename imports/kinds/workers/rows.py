"""Checking one roster row: every cell read, then the rules of trainees.services applied to what
could be read, so that one preview lists every error of the row at once.

What `full_clean` would check field by field (choices, lengths, dates) the cell parsers below
enforce: they only produce valid codes, loaded objects and dates, and refuse text longer than
the model allows. The rules that span fields are the services' own
(`trainee_rule_errors`: ID check character, ID agrees with gender and birth date, committee
within the subdistrict, the administrator's scope, joined after started, 16 or older;
`trainee_status_errors`: a date left only for those who left, not before joining, not in the
future), answered from the lookups loaded once per file. A rule that reads a cell which could
not be read is left out for that row (RULE_INPUTS): the cell's own error says what to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import manages_subdistrict, scoped_subdistrict_id
from accounts.models import User
from neighbourhoods.models import Subdistrict
from trainees.identity import id_number_normalise, is_masked, mobile_normalise
from trainees.models import Trainee
from trainees.services import trainee_rule_errors, trainee_status_errors

from ...readers import (
    CellError,
    cell_text,
    header_key,
    parse_bool,
    parse_date,
    parse_id_number_cell,
)
from ..base import MappedSheet, choice_labels
from .columns import (
    ATTRS,
    BLANKS,
    CHOICE_CLASSES,
    COLUMNS,
    MAX_LENGTHS,
    MEMO_KEYS,
    ROSTER,
    RULE_INPUTS,
)
from .lookups import Lookups

_MISSING = object()
_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def out_of_scope_message() -> str:
    """The one answer for a row that would touch a record outside the actor's scope."""
    return _("该行无法导入：与您管辖范围以外的记录冲突，请联系区管理员。")


@dataclass
class CheckedRow:
    # Error messages by column key; "" is the row as a whole.
    errors: dict[str, list[str]]
    # The worker with the row's values set (None when the row is refused before the rules).
    trainee: Trainee | None = None
    # The stored worker the row updates, and its values before, by column key.
    current: Trainee | None = None
    before: dict[str, object] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)
    # Columns the file does not have, filled from their stand-in (a new worker only).
    stood_in: list[str] = field(default_factory=list)


class RowChecker:
    """Checks the rows of one file in turn; holds what the file's rows share (lookups, the
    workers it names, the ID numbers seen so far, the cells already parsed)."""

    def __init__(self, *, lookups: Lookups, existing: dict[str, Trainee], actor: User) -> None:
        self.lookups = lookups
        self.existing = existing
        self.actor = actor
        self.today = timezone.localdate()
        # Per file: a roster repeats the same few hundred spellings of subdistricts,
        # committees, choices and dates, so each distinct (column, cell) is parsed once.
        self.memo: dict[tuple, object] = {}
        self.first_seen: dict[str, tuple[str, int]] = {}

    def check(self, sheet: MappedSheet, number: int, row: dict[str, object]) -> CheckedRow:
        errors: dict[str, list[str]] = {}
        values = self.parse(sheet, row, errors)
        unread = set(errors)
        id_number = str(values.get("id_number", ""))
        if id_number:
            earlier = self.first_seen.get(id_number)
            if earlier is not None:
                errors.setdefault("id_number", []).append(
                    _("与“%(sheet)s”第 %(row)d 行的身份证号重复。")
                    % {"sheet": earlier[0], "row": earlier[1]}
                )
            else:
                self.first_seen[id_number] = (sheet.sheet, number)
        current = self.existing.get(id_number) if id_number else None
        refusal = self._out_of_scope(values, current)
        if refusal is not None:
            key, message = refusal
            errors.setdefault(key, []).append(message)
            return CheckedRow(errors)

        trainee = current if current is not None else Trainee()
        before = {key: getattr(trainee, ATTRS[key]) for key in values} if current else {}
        stood_in = self._stand_ins(sheet, values) if current is None else []
        for key, value in values.items():
            setattr(trainee, key, value)
        if trainee.neighbourhood_id and "neighbourhood" not in values:
            # A loaded instance, so that the committee rule reads no row per worker.
            trainee.neighbourhood = self.lookups.committees_by_id[trainee.neighbourhood_id]
        # Matching is by ID number, so a number already registered means "this row updates that
        # worker", never a clash: duplicates within the file are caught above.
        rules = trainee_rule_errors(trainee, actor=self.actor, id_number_taken=_never_taken)
        for key, messages in trainee_status_errors(trainee, today=self.today).items():
            rules.setdefault(key, []).extend(messages)
        for key, messages in rules.items():
            if not RULE_INPUTS.get(key, frozenset({key})) & unread:
                errors.setdefault(key, []).extend(messages)
        return CheckedRow(errors, trainee, current, before, values, stood_in)

    def _out_of_scope(
        self, values: dict[str, object], current: Trainee | None
    ) -> tuple[str, str] | None:
        """(column key, message) when a subdistrict administrator's row reaches outside their
        subdistrict; the rules are then not applied, as they would read the other record."""
        actor = self.actor
        if scoped_subdistrict_id(actor) is None:
            return None  # the district's rows reach every subdistrict
        sub = values.get("subdistrict")
        if isinstance(sub, Subdistrict) and not manages_subdistrict(actor, sub.pk):
            # Refused for what the row itself says, and for that alone: whether its number is
            # registered elsewhere is not looked at, so the answer cannot tell.
            return (
                "subdistrict",
                _("只能导入本街道（镇）（%(own)s）的社区工作者，此行为“%(other)s”。")
                % {"own": actor.subdistrict.name, "other": sub.name},
            )
        if current is not None and not manages_subdistrict(actor, current.subdistrict_id):
            # The number is a worker of another subdistrict. Saying so would let anyone with
            # the import page test whether any ID number is registered in the district (issue
            # 15), so the row is refused as a whole, without naming the number, the column or
            # the record: only that it touches something outside the actor's scope.
            return "", out_of_scope_message()
        return None

    @staticmethod
    def _stand_ins(sheet: MappedSheet, values: dict[str, object]) -> list[str]:
        # Only for a new worker: an updated one keeps the date on record rather than a guess.
        filled = []
        for key, stand_in in ROSTER.stand_ins:
            if key not in sheet.headers and stand_in in values:
                values[key] = values[stand_in]
                filled.append(key)
        return filled

    # --- cells ---------------------------------------------------------------------------------

    def parse(
        self, sheet: MappedSheet, row: dict[str, object], errors: dict[str, list[str]]
    ) -> dict[str, object]:
        """Cell values as model values, for the columns the sheet has; errors by column key."""
        values: dict[str, object] = {}
        for key in sheet.headers:
            column = COLUMNS[key]
            if column.read_only:
                continue
            raw = row.get(key)
            if raw is None:
                if column.required:
                    errors.setdefault(key, []).append(
                        _("%(column)s不能为空。") % {"column": column.header}
                    )
                else:
                    values[key] = BLANKS[key]
                continue
            scope = values.get("subdistrict") if key == "neighbourhood" else None
            memo_key = (key, type(raw), raw, getattr(scope, "pk", None))
            try:
                cached = self.memo.get(memo_key, _MISSING) if key in MEMO_KEYS else _MISSING
            except TypeError:
                cached = _MISSING
            if cached is _MISSING:
                try:
                    cached = self._cell(key, raw, values)
                except CellError as exc:
                    cached = exc
                if key in MEMO_KEYS:
                    self.memo[memo_key] = cached
            if isinstance(cached, CellError):
                errors.setdefault(key, []).append(str(cached))
            else:
                values[key] = cached
        return values

    def _cell(self, key: str, raw: object, values: dict[str, object]) -> object:
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
        choices = self.lookups.choices.get(key)
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
            sub = self.lookups.subdistricts.get(header_key(text))
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
            nb = self.lookups.committee(sub.pk, text)
            if nb is None:
                raise CellError(
                    _("“%(value)s”不是%(subdistrict)s的居委会。")
                    % {"value": text[:40], "subdistrict": sub.name}
                )
            return nb
        if key == "grade":
            grade = self.lookups.grades.get(header_key(text))
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


def _never_taken(number: str, pk: int | None) -> bool:
    return False
