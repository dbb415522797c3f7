"""Reads of the attendance marking page, which must stay small at any size of sitting.

An all-staff sitting of a city holds 20,000 workers in 9,000 committees: rendered whole it was
24 MB of HTML and seven seconds (issue 13). The page shows the totals, one page of committee
groups and the rows of its first groups; the rows of any other group come one part at a time.
Every read here is one query whatever the sitting's size.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.params import parse_id

from ..models import Enrolment, Sitting
from .events import RosterRow
from .scope import enrolment_scope

GROUPS_PER_PAGE = 30
# Rows of one group sent at a time; a committee rarely has more at one sitting.
ROWS_PER_PART = 100
# Rows the first answer expands, whole groups in order: a small sitting opens entirely, a
# big one opens its first groups only.
INLINE_ROWS = 120

# A group: (subdistrict id, committee id), None for the subdistrict's office.
GroupKey = tuple[int, int | None]


@dataclass(frozen=True)
class MarkingTotals:
    enrolled: int
    marked: int


@dataclass
class RosterGroup:
    """A committee, or a subdistrict's own office (街道社区办, no committee), of the roster."""

    subdistrict_id: int
    subdistrict: str
    neighbourhood_id: int | None
    committee: str | None
    enrolled: int
    marked: int
    rows: list[RosterRow] | None = field(default=None)
    offset: int = 0  # rows of the group before `rows` (shown in an earlier part)

    @property
    def key(self) -> str:
        return group_key_text((self.subdistrict_id, self.neighbourhood_id))

    @property
    def label(self) -> str:
        return f"{self.subdistrict} · {self.committee or _('街道社区办')}"

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.rows or ())

    @property
    def more(self) -> bool:
        return self.rows is not None and self.next_offset < self.enrolled


def group_key_text(key: GroupKey) -> str:
    return f"{key[0]}-{key[1] or 0}"


def parse_group_key(raw: str | None) -> GroupKey | None:
    """The group named "<subdistrict id>-<committee id>" (0: the office) in an address."""
    sub, sep, nb = (raw or "").partition("-")
    subdistrict_id = parse_id(sub)
    if not sep or subdistrict_id is None:
        return None
    if nb.strip() == "0":
        return subdistrict_id, None
    neighbourhood_id = parse_id(nb)
    return (subdistrict_id, neighbourhood_id) if neighbourhood_id else None


def _in_group(key: GroupKey) -> Q:
    subdistrict_id, neighbourhood_id = key
    if neighbourhood_id is None:
        return Q(trainee__subdistrict_id=subdistrict_id, trainee__neighbourhood__isnull=True)
    return Q(trainee__subdistrict_id=subdistrict_id, trainee__neighbourhood_id=neighbourhood_id)


def marking_roster(*, user: User, sitting: Sitting, search: str = "") -> QuerySet[Enrolment]:
    """The sitting's enrolments in the user's scope, narrowed to a name or place fragment (the
    worker's name, committee or subdistrict, as the page's filter always matched)."""
    qs = enrolment_scope(user).filter(sitting=sitting)
    term = search.strip()
    if term:
        found = (
            Q(trainee__name__icontains=term)
            | Q(trainee__neighbourhood__name__icontains=term)
            | Q(trainee__subdistrict__name__icontains=term)
        )
        if term in str(_("街道社区办")):
            found |= Q(trainee__neighbourhood__isnull=True)
        qs = qs.filter(found)
    return qs


def _with_mark(qs: QuerySet[Enrolment], sitting: Sitting) -> QuerySet[Enrolment]:
    """The enrolments with their mark as `mark`, joined on the sitting as well: PostgreSQL then
    reads this sitting's 20,000 marks by index instead of hashing all 700,000 (250 → 76 ms).
    A mark's sitting is its enrolment's (a marked worker can no longer be moved)."""
    return qs.annotate(
        mark=FilteredRelation("attendance", condition=Q(attendance__sitting=sitting))
    )


def marking_totals(*, user: User, sitting: Sitting) -> MarkingTotals:
    """Enrolled and marked in the user's scope (one query, no join to the workers for a
    whole-district user: per-subdistrict counts cost 75–170 ms at 20,000 rows, these 20–50)."""
    totals = _with_mark(enrolment_scope(user).filter(sitting=sitting), sitting).aggregate(
        enrolled=Count("pk"), marked=Count("mark")
    )
    return MarkingTotals(enrolled=totals["enrolled"], marked=totals["marked"])


def marking_groups(
    *,
    user: User,
    sitting: Sitting,
    search: str = "",
    subdistrict_id: int | None = None,
    group: GroupKey | None = None,
    page: int = 1,
) -> tuple[list[RosterGroup], bool]:
    """One page of the roster's groups with their head counts, and whether a next page exists
    (one grouped query; the next page is known by asking for one group more)."""
    qs = marking_roster(user=user, sitting=sitting, search=search)
    if subdistrict_id is not None:
        qs = qs.filter(trainee__subdistrict_id=subdistrict_id)
    if group is not None:
        qs = qs.filter(_in_group(group))
    start = (max(page, 1) - 1) * GROUPS_PER_PAGE
    rows = list(
        _with_mark(qs, sitting)
        .values(
            "trainee__subdistrict_id",
            "trainee__subdistrict__code",
            "trainee__subdistrict__name",
            "trainee__neighbourhood_id",
            "trainee__neighbourhood__name",
        )
        .annotate(enrolled=Count("pk"), marked=Count("mark"))
        .order_by(
            "trainee__subdistrict__code",
            F("trainee__neighbourhood__name").asc(nulls_first=True),
            "trainee__neighbourhood_id",
        )[start : start + GROUPS_PER_PAGE + 1]
    )
    groups = [
        RosterGroup(
            subdistrict_id=r["trainee__subdistrict_id"],
            subdistrict=r["trainee__subdistrict__name"],
            neighbourhood_id=r["trainee__neighbourhood_id"],
            committee=r["trainee__neighbourhood__name"],
            enrolled=r["enrolled"],
            marked=r["marked"],
        )
        for r in rows[:GROUPS_PER_PAGE]
    ]
    return groups, len(rows) > GROUPS_PER_PAGE


def marking_rows(
    *,
    user: User,
    sitting: Sitting,
    groups: list[GroupKey],
    search: str = "",
    offset: int = 0,
    limit: int = ROWS_PER_PART,
) -> list[RosterRow]:
    """Rows of the given groups in page order, from `offset`, at most `limit` (one query)."""
    if not groups:
        return []
    within = Q()
    for key in groups:
        within |= _in_group(key)
    rows = (
        marking_roster(user=user, sitting=sitting, search=search)
        .filter(within)
        .select_related("trainee", "attendance")
        .order_by(
            "trainee__subdistrict__code",
            F("trainee__neighbourhood__name").asc(nulls_first=True),
            "trainee__neighbourhood_id",
            "trainee__name",
            "pk",
        )[offset : offset + limit]
    )
    return [RosterRow(e, "") for e in rows]


def marking_expand(
    *, user: User, sitting: Sitting, groups: list[RosterGroup], search: str = ""
) -> None:
    """Give the first groups of a page their rows: whole groups while they fit INLINE_ROWS,
    and at least the first group's first part (one query)."""
    chosen: list[RosterGroup] = []
    total = 0
    for g in groups:
        if chosen and total + g.enrolled > INLINE_ROWS:
            break
        chosen.append(g)
        total += g.enrolled
    if not chosen:
        return
    rows = marking_rows(
        user=user,
        sitting=sitting,
        groups=[(g.subdistrict_id, g.neighbourhood_id) for g in chosen],
        search=search,
        limit=max(total, 1) if len(chosen) > 1 else ROWS_PER_PART,
    )
    by_key: dict[GroupKey, list[RosterRow]] = {
        (g.subdistrict_id, g.neighbourhood_id): [] for g in chosen
    }
    for row in rows:
        trainee = row.enrolment.trainee
        # A worker moved between the two reads is in neither group this time.
        if (key := (trainee.subdistrict_id, trainee.neighbourhood_id)) in by_key:
            by_key[key].append(row)
    for g in chosen:
        g.rows = by_key[(g.subdistrict_id, g.neighbourhood_id)]
