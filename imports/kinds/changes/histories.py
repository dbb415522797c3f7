"""The rows of a change list, worker by worker, through the rules of `history_change`.

Each worker's rows are taken in order of their dates, whatever the file's order. A second row
for the same worker and date is refused: a period records one change, and a second would
overwrite the first's 文号 and reason (a transfer that also changes the post is one row, as on
the worker's page). Each row is checked as `trainees.history.history_change` checks one
change — the same `change_rule_errors` (how far back a subdistrict office may date a change,
a reason for a correction), the same values for each kind, the importer's scope for the
subdistrict moved to — and planned with the same pure `plan_change` over the periods as the
earlier rows left them, so that a leave and its return in two rows build up one history. The worker's plan is then the difference between the
stored periods and the last result (`diff_periods`), written for every worker at once by
`apply_plans`. No query here: the caller loads the periods and writes the plans.

A row already in the history (a period begins that day with that change and those values,
e.g. a list imported twice) is counted unchanged. Once one of a worker's rows is wrong, the
rows dated after it are not checked (their verdict would rest on a history that will not be):
each says which row to correct first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from accounts.capabilities import manages_subdistrict
from accounts.models import User
from trainees.history import (
    TRANSITIONS,
    VALUE_FIELDS,
    Plan,
    change_rule_errors,
    covering,
    diff_periods,
    plan_change,
)
from trainees.history import change_values as history_change_values
from trainees.models import ChangeKind, EmploymentState, LeaveKind, Post, WorkerPeriod

from ..workers.lookups import Lookups
from .rows import Entry

# history_change's errors are keyed by its arguments; the list's columns by the same names.
_ERROR_COLUMNS = {NON_FIELD_ERRORS: "kind", "state": "kind"}


def fingerprint(periods: Iterable[WorkerPeriod]) -> tuple:
    """What a worker's stored history is, to tell at write time whether it moved since."""
    return tuple(
        (
            p.pk,
            p.starts_on,
            p.ends_on,
            *(getattr(p, name) for name in VALUE_FIELDS),
            p.change,
            p.reason,
            p.document_no,
        )
        for p in sorted(periods, key=lambda p: p.starts_on)
    )


def change_values(
    entry: Entry, periods: Sequence[WorkerPeriod], *, actor: User, lookups: Lookups
) -> dict[str, Any]:
    """The values the row's change sets (`trainees.history.change_values`, as for
    `history_change`); errors of the subdistrict and committee on the entry."""
    kind = entry.kind
    subdistrict, neighbourhood = entry.subdistrict, entry.neighbourhood
    if kind in (ChangeKind.TRANSFER, ChangeKind.REHIRED) and entry.committee_text:
        # A committee without a subdistrict: a move within the worker's subdistrict that day.
        current = covering(periods, entry.effective_on)
        if current is not None:
            neighbourhood = lookups.committee(current.subdistrict_id, entry.committee_text)
            if neighbourhood is None:
                entry.error(
                    "neighbourhood",
                    _(
                        "“%(value)s”不是该人员%(date)s所在街道（镇）的居委会；"
                        "调往其他街道（镇）请填写调往街道（镇）。"
                    )
                    % {"value": entry.committee_text[:40], "date": _day(entry.effective_on)},
                )
                return {}
            subdistrict = neighbourhood.subdistrict
    moves = kind in (ChangeKind.TRANSFER, ChangeKind.REHIRED) and subdistrict is not None
    if moves and not manages_subdistrict(actor, subdistrict.pk):
        entry.error("subdistrict", _("调往其他街道（镇）须由区管理员办理。"))
    return history_change_values(
        kind,
        subdistrict=subdistrict,
        neighbourhood=neighbourhood,
        post=entry.post,
        grade=entry.grade,
        leave_kind=entry.leave_kind,
    )


def _recorded(periods: Sequence[WorkerPeriod], entry: Entry, values: dict[str, Any]) -> bool:
    """The change is already there: a period begins that day with this change and values."""
    target = TRANSITIONS[entry.kind][0]
    expected = {**values, **({"state": target} if target is not None else {})}
    for period in periods:
        if period.starts_on == entry.effective_on:
            return period.change == entry.kind and all(
                getattr(period, name) == value for name, value in expected.items()
            )
    return False


def plan_worker(
    entries: Sequence[Entry],
    stored: Sequence[WorkerPeriod],
    *,
    actor: User,
    lookups: Lookups,
    today: dt.date,
) -> Plan | None:
    """One worker's rows in date order over their stored periods, errors set on the entries;
    the plan to write, or None when a row is wrong or every row is already recorded."""
    trainee = entries[0].trainee
    work = sorted(stored, key=lambda p: p.starts_on)
    blocked: Entry | None = None  # the first wrong row, in date order
    seen: dict[dt.date, Entry] = {}
    touched = False
    ordered = sorted(entries, key=lambda e: (e.effective_on or dt.date.min, e.order))
    for entry in ordered:
        if entry.effective_on is not None:
            earlier = seen.setdefault(entry.effective_on, entry)
            if earlier is not entry:
                entry.error(
                    "effective_on",
                    _("与%(where)s是同一人同一生效日期的变动；调动同时变更岗位等，请写在同一行。")
                    % {"where": earlier.where},
                )
        if entry.errors:
            blocked = blocked or entry
            continue
        if blocked is not None:
            entry.error(
                "",
                _("同一人较早的变动（%(where)s）有误，此行未能核对，请先改正该行。")
                % {"where": blocked.where},
            )
            continue
        values = change_values(entry, work, actor=actor, lookups=lookups)
        if entry.errors:
            blocked = entry
            continue
        if _recorded(work, entry, values):
            entry.recorded = True
            continue
        errors = change_rule_errors(
            trainee,
            actor=actor,
            effective_on=entry.effective_on,
            reason=entry.reason,
            periods=work,
            today=today,
        )
        for key, messages in errors.items():
            for message in messages:
                entry.error(_ERROR_COLUMNS.get(key, key), message)
        if entry.errors:
            blocked = entry
            continue
        try:
            result = plan_change(
                work,
                effective_on=entry.effective_on,
                kind=entry.kind,
                values=values,
                reason=entry.reason,
                document_no=entry.document_no,
                actor=actor,
            )
        except ValidationError as exc:
            for key, messages in _by_field(exc).items():
                for message in messages:
                    entry.error(_ERROR_COLUMNS.get(key, key), message)
            blocked = entry
            continue
        work = result.periods
        entry.changed = result.changed
        touched = True
    if not touched or blocked is not None:
        return None
    return diff_periods(stored, work)


def _by_field(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


def _day(day: dt.date) -> str:
    return f"{day:%Y年%-m月%-d日}"


class Labels:
    """The names the trail and the preview show for a period's values, from the lookups loaded
    for the file (no query per row)."""

    def __init__(self, lookups: Lookups) -> None:
        self.subdistricts = {s.pk: s.name for s in lookups.subdistricts.values()}
        self.committees = {pk: nb.name for pk, nb in lookups.committees_by_id.items()}
        self.grades = {g.pk: g.name for g in lookups.grades.values()}

    def value(self, name: str, value: Any) -> Any:
        if value in (None, ""):
            return None
        if name == "subdistrict_id":
            return self.subdistricts.get(value)
        if name == "neighbourhood_id":
            return self.committees.get(value)
        if name == "grade_id":
            return self.grades.get(value)
        if name == "post":
            return str(Post(value).label)
        if name == "state":
            return str(EmploymentState(value).label)
        if name == "leave_kind":
            return str(LeaveKind(value).label)
        return value

    def audit_changes(self, entry: Entry, source: str) -> dict[str, Any]:
        """What `history_change` records for one change (trainees.history._audit_changes),
        plus the file it came from."""
        names = {
            "subdistrict_id": "subdistrict",
            "neighbourhood_id": "neighbourhood",
            "grade_id": "grade",
            "state": "status",
            "leave_kind": str(_("休假类别")),
        }
        changes: dict[str, Any] = {
            names.get(k, k): [self.value(k, old), self.value(k, new)]
            for k, (old, new) in entry.changed.items()
        }
        changes[str(_("变动类型"))] = [None, str(ChangeKind(entry.kind).label)]
        changes[str(_("生效日期"))] = [None, entry.effective_on.isoformat()]
        if entry.reason:
            changes[str(_("原因"))] = [None, entry.reason]
        if entry.document_no:
            changes[str(_("文号"))] = [None, entry.document_no]
        if source:
            changes["source"] = source
        return changes

    def preview(self, entry: Entry) -> list[str]:
        """The row as the preview's sample of changes shows it."""
        fields = [f"{entry.effective_on.isoformat()} {ChangeKind(entry.kind).label}"]
        headers = {
            "subdistrict_id": _("街道（镇）"),
            "neighbourhood_id": _("居委会"),
            "post": _("岗位"),
            "grade_id": _("岗位等级"),
            "state": _("状态"),
            "leave_kind": _("休假类别"),
        }
        for name, (old, new) in entry.changed.items():
            fields.append(
                f"{headers[name]}：{self.value(name, old) or _('（空）')} → "
                f"{self.value(name, new) or _('（空）')}"
            )
        if entry.document_no:
            fields.append(f"{_('文号')}：{entry.document_no}")
        return fields
