"""Kind 7: committees' resident populations (居委会常住人口), one row per committee and date.

A row names the committee as the rosters do — its subdistrict (name, short name or statistical
code) and its name with or without 居委会 — the number of residents, the date from which it
holds and where it comes from. Populations are the district's figures: only district
administrators import them, and each row is written through
`neighbourhoods.services.population_set` (audited; the same figure again changes nothing), all
rows in the import's one transaction. The export lists every population recorded, so that the
file goes out and comes back unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import can_import, manages_subdistrict
from accounts.models import User
from neighbourhoods.models import (
    FIRST_EFFECTIVE_DAY,
    MAX_RESIDENTS,
    Neighbourhood,
    ResidentPopulation,
    Subdistrict,
)
from neighbourhoods.services import population_set

from ..readers import CellError, cell_text, header_key, parse_date, parse_int
from .base import Column, ImportKindBase, MappedSheet, Plan, Progress, Table, no_progress
from .workers.lookups import Lookups

SOURCE_MAX = ResidentPopulation._meta.get_field("source").max_length

POPULATIONS = Table(
    key="populations",
    title=gettext_lazy("居委会常住人口"),
    columns=(
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
            ("居民委员会", "居委", "社区", "committee", "neighbourhood"),
            required=True,
            options="neighbourhood",
            width=18,
        ),
        Column(
            "residents",
            gettext_lazy("常住人口"),
            ("常住人口数", "人口", "人口数", "居民人数", "residents", "population"),
            required=True,
            help=gettext_lazy("人数，整数"),
            width=10,
        ),
        Column(
            "effective_from",
            gettext_lazy("生效日期"),
            ("统计日期", "截至日期", "数据日期", "effective date"),
            required=True,
            is_date=True,
            help=gettext_lazy("该人口数据从哪一天起适用；此前的日期仍用之前的数据"),
            width=12,
        ),
        Column(
            "source",
            gettext_lazy("数据来源"),
            ("来源", "source"),
            help=gettext_lazy("如：第七次人口普查、街道统计"),
            width=20,
        ),
    ),
)


@dataclass
class PopulationsPayload:
    # (committee, effective date, residents, source): the rows to write.
    rows: list[tuple[Neighbourhood, dt.date, int, str]] = field(default_factory=list)


class PopulationsKind(ImportKindBase):
    code = "populations"
    label = gettext_lazy("居委会常住人口")
    tables = (POPULATIONS,)

    def allowed(self, user: User) -> bool:
        # The district's figures (population_set): district administrators only.
        return can_import(user, self.code) and manages_subdistrict(user, None)

    # --- template and export -----------------------------------------------------------------

    def options(self, user: User) -> dict[str, list[str]]:
        committees = Neighbourhood.objects.order_by("subdistrict__code", "name")
        return {
            "subdistrict": list(
                Subdistrict.objects.order_by("code").values_list("name", flat=True)
            ),
            "neighbourhood": list(dict.fromkeys(committees.values_list("name", flat=True))),
        }

    def example_rows(self, user: User) -> dict[str, list[object]]:
        return {
            "populations": [
                _("华阳路街道"),
                _("华一居委会（示例）"),
                4200,
                dt.date(2025, 12, 31),
                _("街道统计"),
            ]
        }

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        populations = ResidentPopulation.objects.select_related(
            "neighbourhood__subdistrict"
        ).order_by("neighbourhood__subdistrict__code", "neighbourhood__name", "effective_from")
        rows = (
            [
                p.neighbourhood.subdistrict.name,
                p.neighbourhood.name,
                p.residents,
                p.effective_from,
                p.source,
            ]
            for p in populations.iterator(chunk_size=2000)
        )
        return {"populations": rows}

    # --- plan ----------------------------------------------------------------------------------

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        plan = Plan(payload=PopulationsPayload())
        payload: PopulationsPayload = plan.payload
        lookups = Lookups.load()
        stored = {
            (p.neighbourhood_id, p.effective_from): p for p in ResidentPopulation.objects.all()
        }
        today = timezone.localdate()
        rows = [(sheet, number, row) for sheet in sheets for number, row in sheet.rows]
        plan.rows = len(rows)
        seen: dict[tuple[int, dt.date], tuple[str, int]] = {}
        for i, (sheet, number, row) in enumerate(rows):
            if i % 500 == 0:
                progress(i, len(rows))
            errors: list[tuple[str, str]] = []
            committee = self._committee(row, lookups, errors)
            residents = self._residents(row, errors)
            day = self._day(row, today, errors)
            source = cell_text(row.get("source")).strip()
            if len(source) > SOURCE_MAX:
                errors.append(
                    ("source", _("数据来源不能超过 %(max)d 个字。") % {"max": SOURCE_MAX})
                )
            if committee is not None and day is not None:
                earlier = seen.setdefault((committee.pk, day), (sheet.sheet, number))
                if earlier != (sheet.sheet, number):
                    errors.append(
                        (
                            "effective_from",
                            _("与“%(sheet)s”第 %(row)d 行重复（同一居委会、同一生效日期）。")
                            % {"sheet": earlier[0], "row": earlier[1]},
                        )
                    )
            if errors:
                for key, message in errors:
                    plan.errors.append(sheet.error(number, key, message, row.get(key)))
                continue
            old = stored.get((committee.pk, day))
            if old is None:
                plan.new += 1
            elif (old.residents, old.source) == (residents, source):
                plan.unchanged += 1
                continue
            else:
                plan.changed += 1
                plan.note_change(
                    sheet.sheet,
                    number,
                    f"{committee.subdistrict.name} {committee.name}",
                    [
                        _("%(day)s 常住人口：%(old)s → %(new)s")
                        % {"day": day.isoformat(), "old": old.residents, "new": residents}
                    ],
                )
            payload.rows.append((committee, day, residents, source))
        progress(len(rows), len(rows))
        return plan

    @staticmethod
    def _committee(
        row: dict[str, object], lookups: Lookups, errors: list[tuple[str, str]]
    ) -> Neighbourhood | None:
        sub_text = cell_text(row.get("subdistrict")).strip()
        sub = lookups.subdistricts.get(header_key(sub_text)) if sub_text else None
        if sub is None:
            errors.append(
                (
                    "subdistrict",
                    _("未找到街道（镇）“%(value)s”，请填写完整名称，如“华阳路街道”。")
                    % {"value": sub_text[:30]}
                    if sub_text
                    else _("街道（镇）不能为空。"),
                )
            )
            return None
        nb_text = cell_text(row.get("neighbourhood")).strip()
        committee = lookups.committee(sub.pk, nb_text) if nb_text else None
        if committee is None:
            errors.append(
                (
                    "neighbourhood",
                    _("“%(value)s”不是%(subdistrict)s的居委会。")
                    % {"value": nb_text[:40], "subdistrict": sub.name}
                    if nb_text
                    else _("居委会不能为空。"),
                )
            )
        return committee

    @staticmethod
    def _residents(row: dict[str, object], errors: list[tuple[str, str]]) -> int | None:
        raw = row.get("residents")
        if raw is None or cell_text(raw).strip() == "":
            errors.append(("residents", _("常住人口不能为空。")))
            return None
        try:
            return parse_int(raw, low=1, high=MAX_RESIDENTS)
        except CellError as exc:
            errors.append(("residents", str(exc)))
            return None

    @staticmethod
    def _day(
        row: dict[str, object], today: dt.date, errors: list[tuple[str, str]]
    ) -> dt.date | None:
        raw = row.get("effective_from")
        if raw is None:
            errors.append(("effective_from", _("生效日期不能为空。")))
            return None
        try:
            day = parse_date(raw)
        except CellError as exc:
            errors.append(("effective_from", str(exc)))
            return None
        if not FIRST_EFFECTIVE_DAY <= day <= today:
            errors.append(
                (
                    "effective_from",
                    _("生效日期应在 %(first)s 到今天（%(today)s）之间。")
                    % {"first": FIRST_EFFECTIVE_DAY.isoformat(), "today": today.isoformat()},
                )
            )
            return None
        return day

    # --- write ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        payload: PopulationsPayload = plan.payload
        for committee, day, residents, source in payload.rows:
            population_set(
                neighbourhood=committee,
                effective_from=day,
                residents=residents,
                source=source,
                actor=actor,
            )
