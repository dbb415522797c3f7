"""The committees' resident populations (issue 14, item 5): Changning's ~690,000 residents over
its committees, from the committees' households, in two dated figures — the 2020 census (第七次
全国人口普查, standard time 1 November 2020) and the subdistricts' count at the start of last
year — so that the staffing figures change with the date asked for. A few committees have none,
to show the "unknown" state. Written in bulk (demo/seed.py): the rows are valid by
construction (tests/demo/test_populations.py checks them)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from demo.context import SeedContext
from demo.rows import BATCH_SIZE
from neighbourhoods.models import ResidentPopulation

CENSUS_DAY = dt.date(2020, 11, 1)
# Residents per registered household in the demo's committees: with the demo's household
# counts this gives ~3,700 residents a committee, Changning's ~690,000 over 185.
PERSONS_PER_HOUSEHOLD = (1.6, 2.0)
RESIDENTS_RANGE = (2_300, 6_200)
# One committee in this many has no population recorded.
UNKNOWN_EVERY = 30


def seed_populations(ctx: SeedContext) -> None:
    rng = ctx.rng("populations")
    committees = ctx.neighbourhoods
    unknown = set(rng.sample(range(len(committees)), k=max(3, len(committees) // UNKNOWN_EVERY)))
    latest_day = dt.date(ctx.today.year - 1, 1, 1)
    low, high = RESIDENTS_RANGE
    rows: list[ResidentPopulation] = []
    for index, committee in enumerate(committees):
        per_household = rng.uniform(*PERSONS_PER_HOUSEHOLD)  # drawn for every one: stable
        drift = rng.uniform(0.95, 1.05)
        if index in unknown:
            continue
        census = round((committee.households or 1500) * per_household)
        census = min(max(census, low), high)
        rows.append(
            ResidentPopulation(
                neighbourhood=committee,
                effective_from=CENSUS_DAY,
                residents=census,
                source=_("第七次全国人口普查"),
            )
        )
        if latest_day > CENSUS_DAY:
            rows.append(
                ResidentPopulation(
                    neighbourhood=committee,
                    effective_from=latest_day,
                    residents=round(census * drift),
                    source=_("街道统计（%(year)s 年初）") % {"year": latest_day.year},
                )
            )
    # A committee reused from an earlier run keeps what it has (the run-once rule, demo/seed.py).
    ResidentPopulation.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    ctx.say(
        _("居委会常住人口 %(n)d 条（%(unknown)d 个居委会暂无数据）。")
        % {"n": len(rows), "unknown": len(unknown)}
    )
