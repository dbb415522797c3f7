"""What the roster's cells are read into: subdistricts, committees and grades by the names
offices write, and choices by their labels and the district's editable synonyms."""

from __future__ import annotations

from dataclasses import dataclass

from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.models import CareerGrade

from ...models import Synonym, choice_spellings
from ...readers import header_key
from .columns import CHOICE_CLASSES


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass
class Lookups:
    """What the cells of a roster name, loaded once per file: the rows are checked against
    these in Python, never with a query per row."""

    subdistricts: dict[str, Subdistrict]
    committees: dict[tuple[int, str], Neighbourhood]
    committees_by_id: dict[int, Neighbourhood]
    grades: dict[str, CareerGrade]
    # Column key -> accepted spelling (header_key) -> choice code.
    choices: dict[str, dict[str, str]]

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
        return cls(subdistricts, committees, committees_by_id, grades, _choices())

    def committee(self, subdistrict_id: int, text: str) -> Neighbourhood | None:
        key = header_key(text)
        return self.committees.get((subdistrict_id, key)) or self.committees.get(
            (subdistrict_id, header_key(_strip_suffix(text, ("居民委员会", "居委会", "居委"))))
        )


def _choices() -> dict[str, dict[str, str]]:
    """Per choice column, spelling -> code. A code or label always reads as itself: a synonym
    that spells another choice's label cannot change what that label means."""
    lookups: dict[str, dict[str, str]] = {key: {} for key in CHOICE_CLASSES}
    for column, spelling, value in Synonym.objects.values_list("column", "spelling", "value"):
        choices = CHOICE_CLASSES.get(column)
        if choices is not None and value in choices.values:
            lookups[column].setdefault(header_key(spelling), value)
    for key, choices in CHOICE_CLASSES.items():
        lookups[key].update(choice_spellings(choices))
    return lookups
