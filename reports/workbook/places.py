"""The subdistricts and committees a workbook is laid out over: two queries."""

from __future__ import annotations

from neighbourhoods.models import Neighbourhood, Subdistrict

from .layout import Place, Places


def workbook_places(subdistrict_id: int | None) -> Places:
    subdistricts = Subdistrict.objects.order_by("code", "name")
    if subdistrict_id is not None:
        subdistricts = subdistricts.filter(pk=subdistrict_id)
    committees: dict[int, list[tuple[int, str]]] = {}
    names: dict[int, str] = {}
    for pk, name, sid in Neighbourhood.objects.order_by("name", "pk").values_list(
        "pk", "name", "subdistrict_id"
    ):
        names[pk] = name
        committees.setdefault(sid, []).append((pk, name))
    return Places(
        subdistricts=[
            Place(pk, name, committees.get(pk, []))
            for pk, name in subdistricts.values_list("pk", "name")
        ],
        committee_names=names,
    )
