"""The kinds of data that can be imported and exported, in the order the district needs them."""

from django.http import Http404

from .assessments import AssessmentsKind
from .attendance import AttendanceKind
from .base import ImportKindBase
from .changes import ChangesKind
from .exams import ExamsKind
from .populations import PopulationsKind
from .supervisors import SupervisorsKind
from .workers import WorkersKind

KINDS: dict[str, ImportKindBase] = {
    kind.code: kind
    for kind in (
        WorkersKind(),
        ChangesKind(),
        SupervisorsKind(),
        AttendanceKind(),
        ExamsKind(),
        AssessmentsKind(),
        PopulationsKind(),
    )
}


def get_kind(code: str) -> ImportKindBase:
    try:
        return KINDS[code]
    except KeyError:
        raise Http404 from None
