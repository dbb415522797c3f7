"""The district's structure: Changning's 10 subdistricts and their committees, `scale` copies.

Subdistricts and committees that already exist (matched by statistical code, by subdistrict
and name) are reused, not duplicated.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from demo import data
from demo.context import SeedContext
from demo.rows import BATCH_SIZE
from neighbourhoods.models import Neighbourhood, Subdistrict


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"
    return str(n)


def committee_plan(scale: int) -> list[tuple[str, str, str]]:
    """(subdistrict code, committee name, housing type), scale copies of the district's list.

    Copy k > 1 of 华一 is 华一（k）: a name unique within its subdistrict that a reader still
    recognises as synthetic.
    """
    plan = []
    for code, _name, _kind in data.SUBDISTRICTS:
        for copy in range(1, scale + 1):
            for short, housing in data.COMMITTEES[code]:
                name = short if copy == 1 else f"{short}（{_cn_number(copy)}）"
                plan.append((code, f"{name}{data.COMMITTEE_SUFFIX}", housing))
    return plan


def seed_structure(ctx: SeedContext) -> None:
    rng = ctx.rng("structure")
    for code, name, kind in data.SUBDISTRICTS:
        ctx.subdistricts[code], _created = Subdistrict.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    sub_ids = {sub.pk for sub in ctx.subdistricts.values()}
    existing = {
        (nb.subdistrict_id, nb.name): nb
        for nb in Neighbourhood.objects.filter(subdistrict_id__in=sub_ids)
    }
    new: list[Neighbourhood] = []
    planned_keys = []
    for code, name, housing in committee_plan(ctx.scale):
        sub = ctx.subdistricts[code]
        low, high = data.HOUSEHOLDS[housing]
        households = rng.randint(low // 10, high // 10) * 10  # drawn even when reused: stable
        key = (sub.pk, name)
        planned_keys.append(key)
        if key not in existing:
            new.append(
                Neighbourhood(
                    subdistrict=sub, name=name, housing_type=housing, households=households
                )
            )
    Neighbourhood.objects.bulk_create(new, batch_size=BATCH_SIZE)
    by_key = {
        (nb.subdistrict_id, nb.name): nb
        for nb in Neighbourhood.objects.filter(subdistrict_id__in=sub_ids)
    }
    ctx.neighbourhoods = [by_key[key] for key in planned_keys]
    ctx.say(
        _("街道（镇）%(subs)d 个，居委会 %(nbs)d 个（新建 %(new)d 个）。")
        % {"subs": len(ctx.subdistricts), "nbs": len(ctx.neighbourhoods), "new": len(new)}
    )
