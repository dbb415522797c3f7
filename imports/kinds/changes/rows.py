"""Reading one row of a change list: every cell, so that one preview lists all of a row's errors.

What a row needs before the worker's history is looked at: a worker in the importer's scope
(by the keyed hash of the ID number; a number out of scope reads as unknown, so the answer
says nothing of records the importer may not see), the name as on record, a kind of change
the list may record, a date, and the cells that kind needs (a subdistrict for a transfer, a
post for a post change, a grade for a grade change, a kind of leave for leave).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.identity import id_number_normalise, is_masked
from trainees.models import CareerGrade, ChangeKind, LeaveKind, Post, Trainee, WorkerPeriod
from trainees.pii import id_number_hash

from ...readers import CellError, cell_text, header_key, parse_date, parse_id_number_cell
from ..base import MappedSheet, choice_labels
from ..workers.lookups import Lookups
from .columns import CHANGE_KINDS, COLUMNS, READ_BY, kind_spellings, leave_implied, leave_spellings

_MAX_LENGTHS = {
    key: WorkerPeriod._meta.get_field(key).max_length for key in ("reason", "document_no")
}


@dataclass
class Entry:
    """One row: what it asks for, and what is wrong with it (by column key; "" = the row)."""

    sheet: MappedSheet
    number: int
    order: int  # position in the file, to keep the file's order among rows of one date
    row: dict[str, object]
    trainee: Trainee | None = None
    kind: str = ""
    effective_on: dt.date | None = None
    subdistrict: Subdistrict | None = None
    neighbourhood: Neighbourhood | None = None
    # A committee named without a subdistrict: looked up in the worker's subdistrict on the date.
    committee_text: str = ""
    post: str | None = None
    grade: CareerGrade | None = None
    leave_kind: str = ""
    reason: str = ""
    document_no: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    # Field -> [old, new] on the date, once the change is planned (for the trail and preview).
    changed: dict[str, list[object]] = field(default_factory=dict)
    recorded: bool = False  # already in the worker's history: nothing to do

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    @property
    def where(self) -> str:
        return _("“%(sheet)s”第 %(row)d 行") % {"sheet": self.sheet.sheet, "row": self.number}


class RowReader:
    """Reads the rows of one file against what was loaded once for it: the lookups of names
    (workers kind: subdistricts, committees, grades, the district's synonyms for posts) and the
    workers in scope by keyed hash of the ID number."""

    def __init__(self, *, lookups: Lookups, trainees: dict[str, Trainee]) -> None:
        self.lookups = lookups
        self.trainees = trainees  # id_number_hash -> worker in the importer's scope
        self.kinds = kind_spellings()
        self.leave_kinds = leave_spellings()

    def read(self, sheet: MappedSheet, number: int, order: int, row: dict[str, object]) -> Entry:
        entry = Entry(sheet, number, order, row)
        self._worker(entry)
        self._kind(entry)
        self._date(entry)
        if entry.kind:
            self._placement(entry)
            self._post_and_grade(entry)
            self._leave(entry)
            self._unread(entry)
        for key in ("reason", "document_no"):
            text = cell_text(row.get(key)).strip()
            if len(text) > _MAX_LENGTHS[key]:
                entry.error(
                    key,
                    _("%(column)s不能超过 %(max)d 个字，当前 %(n)d 个。")
                    % {"column": COLUMNS[key].header, "max": _MAX_LENGTHS[key], "n": len(text)},
                )
            setattr(entry, key, text)
        return entry

    # --- cells ---------------------------------------------------------------------------------

    def _worker(self, entry: Entry) -> None:
        try:
            text = parse_id_number_cell(entry.row.get("id_number"))
        except CellError as exc:
            entry.error("id_number", str(exc))
            return
        if is_masked(text):
            entry.error(
                "id_number", _("身份证号已打码（含 *），无法识别人员；请填写完整的身份证号。")
            )
            return
        number = id_number_normalise(text)
        if not number:
            entry.error("id_number", _("身份证号不能为空。"))
            return
        trainee = self.trainees.get(id_number_hash(number))
        if trainee is None:
            # Also the answer for workers outside the importer's scope: nothing is revealed.
            entry.error(
                "id_number", _("名册中没有该身份证号的社区工作者（或不在您的管理范围内）。")
            )
            return
        entry.trainee = trainee
        name = header_key(cell_text(entry.row.get("name")))
        if name and name != header_key(trainee.name):
            # The worker is in the importer's scope: naming the record's name tells nothing new.
            entry.error(
                "name", _("姓名与名册不符：该身份证号登记的是“%(name)s”。") % {"name": trainee.name}
            )

    def _kind(self, entry: Entry) -> None:
        text = cell_text(entry.row.get("kind")).strip()
        code = self.kinds.get(header_key(text)) if text else None
        if code is None:
            allowed = "、".join(str(ChangeKind(k).label) for k in CHANGE_KINDS)
            entry.error(
                "kind",
                _("“%(value)s”不是可导入的变动类型，可填：%(allowed)s。")
                % {"value": text[:20], "allowed": allowed}
                if text
                else _("变动类型不能为空，可填：%(allowed)s。") % {"allowed": allowed},
            )
            return
        entry.kind = code
        entry.leave_kind = leave_implied(text)

    def _date(self, entry: Entry) -> None:
        raw = entry.row.get("effective_on")
        if raw is None:
            entry.error("effective_on", _("生效日期不能为空。"))
            return
        try:
            entry.effective_on = parse_date(raw)
        except CellError as exc:
            entry.error("effective_on", str(exc))

    def _placement(self, entry: Entry) -> None:
        if entry.kind not in READ_BY["subdistrict"]:
            return
        sub_text = cell_text(entry.row.get("subdistrict")).strip()
        nb_text = cell_text(entry.row.get("neighbourhood")).strip()
        if sub_text:
            entry.subdistrict = self.lookups.subdistricts.get(header_key(sub_text))
            if entry.subdistrict is None:
                entry.error(
                    "subdistrict",
                    _("未找到街道（镇）“%(value)s”，请填写完整名称，如“华阳路街道”。")
                    % {"value": sub_text[:30]},
                )
                return
        if nb_text and entry.subdistrict is not None:
            entry.neighbourhood = self.lookups.committee(entry.subdistrict.pk, nb_text)
            if entry.neighbourhood is None:
                entry.error(
                    "neighbourhood",
                    _("“%(value)s”不是%(subdistrict)s的居委会。")
                    % {"value": nb_text[:40], "subdistrict": entry.subdistrict.name},
                )
        elif nb_text:
            entry.committee_text = nb_text
        elif entry.kind == ChangeKind.TRANSFER and entry.subdistrict is None:
            entry.error("subdistrict", _("调动须填写调往的街道（镇）或居委会。"))

    def _post_and_grade(self, entry: Entry) -> None:
        post_text = cell_text(entry.row.get("post")).strip()
        if post_text and entry.kind in READ_BY["post"]:
            entry.post = self.lookups.choices["post"].get(header_key(post_text))
            if entry.post is None:
                entry.error(
                    "post",
                    _("“%(value)s”不是有效的%(column)s，可填：%(allowed)s。")
                    % {
                        "value": post_text[:30],
                        "column": COLUMNS["post"].header,
                        "allowed": "、".join(choice_labels(Post)),
                    },
                )
        elif entry.kind == ChangeKind.POST:
            entry.error("post", _("岗位变动须填写新的岗位。"))
        grade_text = cell_text(entry.row.get("grade")).strip()
        if grade_text and entry.kind in READ_BY["grade"]:
            entry.grade = self.lookups.grades.get(header_key(grade_text))
            if entry.grade is None:
                entry.error("grade", _("未找到岗位等级“%(value)s”。") % {"value": grade_text[:20]})
        elif entry.kind == ChangeKind.GRADE:
            entry.error("grade", _("调级须填写新的岗位等级。"))

    def _leave(self, entry: Entry) -> None:
        if entry.kind != ChangeKind.LEAVE:
            entry.leave_kind = ""
            return
        text = cell_text(entry.row.get("leave_kind")).strip()
        if text:
            code = self.leave_kinds.get(header_key(text))
            if code is None:
                entry.error(
                    "leave_kind",
                    _("“%(value)s”不是有效的休假类别，可填：%(allowed)s。")
                    % {"value": text[:20], "allowed": "、".join(choice_labels(LeaveKind))},
                )
                return
            if entry.leave_kind and code != entry.leave_kind:
                entry.error(
                    "leave_kind",
                    _("休假类别“%(value)s”与变动类型“%(kind)s”不符。")
                    % {"value": text[:20], "kind": cell_text(entry.row.get("kind"))[:20]},
                )
                return
            entry.leave_kind = code
        elif not entry.leave_kind:
            entry.error("leave_kind", _("休假须填写休假类别。"))

    def _unread(self, entry: Entry) -> None:
        """A filled cell the row's kind does not read: most likely a row meant as another kind,
        so the importer is told it was left out (a warning; the rest of the row stands)."""
        label = ChangeKind(entry.kind).label
        for key, kinds in READ_BY.items():
            if entry.kind not in kinds and entry.row.get(key) is not None:
                entry.warnings.setdefault(key, []).append(
                    _("“%(kind)s”不读取此列，已忽略。") % {"kind": label}
                )
