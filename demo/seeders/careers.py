"""Each demo worker's dated history (一人一档), from the day they joined to the demo's today.

A worker is drawn with today's place on the roster (committee, post, grade: the slots of
demo/seeders/trainees.py) and a fate (on duty, away today, left, retired, left and came back).
`CareerMaker.build` then draws what happened to them since the district's files begin (2019)
and replays it as the changes an office would have recorded, through trainees.history
(`history_build`: the first period from the worker's columns, then `plan_change` for each
change, the same rules as the 办理变动 service). The worker's columns end as the period
covering today (`current_columns`). Placement, post and grade are drawn backwards from today's
slot, so the roster of today is exactly the one planned; leave and leaving forwards.

What it draws, from `ctx.rng("careers")` and `ctx.today` only (deterministic):

- 调级: at each yearly review (effective 1 January, one district document a year) a worker
  steps up one grade about one year in three, now and then two; a worker new to community work
  is 未定级 in their first year and graded when it ends (转正定级).
- 调动: about 5% moved between committees since 2019 (a quarter of them across subdistricts,
  with a district document), a few of them twice.
- 岗位变动: some heads were deputies before, some deputies members, some members staff.
- 休假: maternity leave for women of 24–38 (98–158 days: 98 statutory days and Shanghai's 60
  more), sick leave, study leave (进修) and other leave, each ended by a return (返岗); and 借调
  (secondment) to a district or subdistrict office for three months to a year.
- Away today (the roster's on-leave share): an open leave, or a secondment.
- Left (the roster's left share): 离职 since 2019; of the older workers drawn for it, women
  retire (退休) the month after turning 50 and men after 60 (the gradual later retirement from
  2025 is left out).
- A handful left and came back (再次入职) to today's place after months away.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from accounts.models import User
from demo.context import add_years, month_add
from demo.rows import BATCH_SIZE
from neighbourhoods.models import Neighbourhood
from trainees.history import Change, current_columns, history_build
from trainees.models import (
    ON_BOOKS_STATES,
    ChangeKind,
    Gender,
    LeaveKind,
    Post,
    Trainee,
    WorkerPeriod,
)

DAY = dt.timedelta(days=1)
HISTORY_START = dt.date(2019, 1, 1)  # changes are recorded from here; before, one period

# Fates drawn for the roster (demo/seeders/trainees.py).
ON_DUTY, AWAY, LEFT, RETIRED, REHIRED = "on_duty", "away", "left", "retired", "rehired"

# 三岗十八级: heads 7–18, deputies 4–15, other staff 1–12 (DOMAIN.md, careers).
GRADE_RANGES: dict[str, tuple[int, int]] = {
    Post.PARTY_SECRETARY: (7, 18),
    Post.DIRECTOR: (7, 18),
    Post.DEPUTY: (4, 15),
    Post.COMMITTEE_MEMBER: (1, 12),
    Post.GENERAL: (1, 12),
}
REVIEW_STEP = 0.35  # a step up at a yearly review (staff climb 11 grades in ~28 years)
REVIEW_DOUBLE = 0.1  # of the steps, two grades at once
SHARE_MOVED = 0.05
SHARE_MOVED_AGAIN = 0.15  # of those who moved
SHARE_ACROSS = 0.25  # of the moves, to another subdistrict
SHARE_FROM_OFFICE = 0.05  # of the moves within a subdistrict, from its office
# Promoted into today's post since 2019: chance, by today's post, and the post before.
PROMOTED: dict[str, tuple[float, str]] = {
    Post.PARTY_SECRETARY: (0.15, Post.DEPUTY),
    Post.DIRECTOR: (0.15, Post.DEPUTY),
    Post.DEPUTY: (0.12, Post.COMMITTEE_MEMBER),
    Post.COMMITTEE_MEMBER: (0.08, Post.GENERAL),
}
# Leave, by kind: chance in a year, shortest and longest (days). Maternity first: it only
# applies to women of 24–38 without a birth in the two years before.
LEAVE: dict[str, tuple[float, int, int]] = {
    LeaveKind.MATERNITY: (0.05, 98, 158),
    LeaveKind.SICK: (0.012, 7, 120),
    LeaveKind.STUDY: (0.004, 30, 180),
    LeaveKind.OTHER: (0.005, 7, 45),
}
MATERNITY_AGES = (24, 38)
SECONDMENT: tuple[float, int, int] = (0.003, 90, 365)
RETIREMENT_AGE = {Gender.FEMALE: 50, Gender.MALE: 60}
DISTRICT_DOCUMENT = "长民政〔{year}〕{number}号"

# Reasons as an office would record them (data, like the names: not translated).
REVIEW_REASON = "{year}年度考核调级"
REVIEW_TWO_REASON = "{year}年度考核优秀，晋升两级"
PROBATION_REASON = "试用期满定级"
MOVE_REASONS = ("工作需要", "居委会人员配备调整", "本人申请，就近调整")
ACROSS_REASONS = ("区内跨街道（镇）交流", "工作需要，跨街道（镇）调配")
PROMOTION_REASONS = {
    Post.PARTY_SECRETARY: ("居委会换届，经选举任党组织书记", "组织任命"),
    Post.DIRECTOR: ("居委会换届选举当选主任", "补选当选主任"),
    Post.DEPUTY: ("竞聘上岗", "居委会换届选举当选副主任"),
    Post.COMMITTEE_MEMBER: ("居委会换届选举当选委员", "补选当选委员"),
}
LEAVE_REASONS = {
    LeaveKind.MATERNITY: ("生育，产假及生育假",),
    LeaveKind.SICK: ("因病住院治疗", "术后休养", "因病休养"),
    LeaveKind.STUDY: ("脱产进修（社会工作专业）", "参加市社区工作者骨干研修班"),
    LeaveKind.OTHER: ("家庭原因事假", "照料家人"),
}
SECONDMENT_REASONS = (
    "借调至区民政局",
    "借调至区委社会工作部",
    "借调至街道党群服务中心",
    "借调至街道城运中心",
)
RETURN_REASON = "休假期满返岗"
SECONDMENT_RETURN_REASON = "借调期满返岗"
LEFT_REASONS = ("个人原因辞职", "考录公务员", "劳动合同期满不再续订", "家庭原因离职")
RETIRED_REASON = "达到法定退休年龄"
REHIRED_REASONS = ("重新招录", "本人申请，经考核重新录用")


@dataclass
class _Values:
    """Where a worker stood between two changes: the fields a period carries besides its state."""

    subdistrict_id: int
    neighbourhood_id: int | None
    post: str
    level: int


class CareerMaker:
    """Draws one worker's history at a time (see the module); counts what it drew."""

    def __init__(
        self,
        rng: random.Random,
        *,
        today: dt.date,
        grade_ids: dict[int, int],
        neighbourhoods: list[Neighbourhood],
        actor: User | None,
    ) -> None:
        self.rng = rng
        self.today = today
        self.yesterday = today - DAY
        self.grade_ids = grade_ids
        self.levels = {pk: level for level, pk in grade_ids.items()}
        self.actor = actor
        self.committees: dict[int, list[int]] = {}
        for nb in neighbourhoods:
            self.committees.setdefault(nb.subdistrict_id, []).append(nb.pk)
        self.subdistrict_ids = sorted(self.committees)
        # The yearly grade review is one district document a year.
        self.review_documents = {
            year: DISTRICT_DOCUMENT.format(year=year, number=rng.randint(2, 9))
            for year in range(HISTORY_START.year, today.year + 1)
        }
        self.changes: Counter[str] = Counter()  # by kind of change, for the summary
        self.leave_kinds: Counter[str] = Counter()
        self.periods = 0

    # --- helpers ---

    def _document(self, day: dt.date) -> str:
        return DISTRICT_DOCUMENT.format(year=day.year, number=self.rng.randint(10, 186))

    def _free_day(self, first: dt.date, last: dt.date, taken: set[dt.date]) -> dt.date | None:
        """A day from `first` to `last` on which nothing else changes, or None."""
        span = (last - first).days
        if span < 0:
            return None
        for _attempt in range(5):
            day = first + dt.timedelta(days=self.rng.randint(0, span))
            if day not in taken:
                taken.add(day)
                return day
        return None

    @staticmethod
    def _ensure_tenure(person: Trainee, days: int, today: dt.date) -> None:
        """Move a recent joiner's start back (to when they began community work, or 20) so a
        departure or a return fits into their time with the district."""
        if (today - person.joined).days < days:
            person.joined = person.started_community_work
        if (today - person.joined).days < days:
            person.started_community_work = person.joined = add_years(person.birth_date, 20)

    # --- a worker ---

    def build(self, person: Trainee, fate: str) -> list[WorkerPeriod]:
        """The periods of `person` (unsaved, pointing at it) and its columns set from them.

        `person` carries today's placement, post and grade; its `joined` is the first day of
        its first spell with the district.
        """
        rng = self.rng
        if fate in (LEFT, RETIRED):
            self._ensure_tenure(person, 60, self.today)
        elif fate == REHIRED:
            self._ensure_tenure(person, 3 * 365, self.today)
        joined = person.joined
        taken = {joined}
        changes: list[Change] = []
        # Spells on the books: (first day, last day), the last one ending yesterday at the latest.
        spells: list[tuple[dt.date, dt.date]] = [(joined, self.yesterday)]
        away_from: dt.date | None = None
        rehired_on: dt.date | None = None

        if fate in (LEFT, RETIRED):
            left_on, kind = self._leaving(person, fate)
            taken.add(left_on)
            reason = RETIRED_REASON if kind == ChangeKind.RETIRED else rng.choice(LEFT_REASONS)
            changes.append(Change(left_on, kind, reason=reason))
            spells = [(joined, left_on - DAY)]
        elif fate == REHIRED:
            window = self._rehire_window(joined)
            if window is not None:
                left_on, rehired_on = window
                taken |= {left_on, rehired_on}
                changes.append(Change(left_on, ChangeKind.LEFT, reason=rng.choice(LEFT_REASONS)))
                spells = [(joined, left_on - DAY), (rehired_on, self.yesterday)]
        elif fate == AWAY:
            away_from = self._away(person, changes, taken)

        for first, last in spells:
            if away_from is not None and away_from > first:
                last = min(last, away_from - 31 * DAY)
            self._leaves(person, first, last, changes, taken)
        changes += self._values(person, spells, rehired_on, taken)
        periods = history_build(person, changes, actor=self.actor)
        for name, value in current_columns(periods, self.today).items():
            setattr(person, name, value)
        self.periods += len(periods)
        for change in changes:
            self.changes[change.kind] += 1
            if change.kind == ChangeKind.LEAVE:
                self.leave_kinds[change.values["leave_kind"]] += 1
        return periods

    def _leaving(self, person: Trainee, fate: str) -> tuple[dt.date, str]:
        """The first day off the books, and whether it is 离职 or 退休."""
        first = max(HISTORY_START, person.joined + 30 * DAY)
        if fate == RETIRED:
            # Retirement takes effect the month after the birthday of the statutory age.
            birthday = add_years(person.birth_date, RETIREMENT_AGE[Gender(person.gender)])
            day = month_add(birthday, 1)
            if first <= day <= self.yesterday and day > person.joined + 365 * DAY:
                return day, ChangeKind.RETIRED
        first = min(first, self.yesterday)  # a recent joiner in a young district
        day = first + dt.timedelta(days=self.rng.randint(0, (self.yesterday - first).days))
        return max(day, person.joined + DAY), ChangeKind.LEFT

    def _rehire_window(self, joined: dt.date) -> tuple[dt.date, dt.date] | None:
        """(first day off the books, day back) for one who left and came back, if it fits."""
        first = max(HISTORY_START, joined + 365 * DAY)
        last = self.yesterday - 150 * DAY
        if first > last:
            return None
        left_on = first + dt.timedelta(days=self.rng.randint(0, (last - first).days))
        longest = min(720, (self.yesterday - 60 * DAY - left_on).days)
        if longest < 90:
            return None
        return left_on, left_on + dt.timedelta(days=self.rng.randint(90, longest))

    def _away(self, person: Trainee, changes: list[Change], taken: set[dt.date]) -> dt.date:
        """An open leave or secondment today; returns its first day."""
        rng = self.rng
        age = person.age_on(self.today)
        low, high = MATERNITY_AGES
        if person.gender == Gender.FEMALE and low <= age <= high + 2 and rng.random() < 0.7:
            kind, days = LeaveKind.MATERNITY, rng.randint(1, LEAVE[LeaveKind.MATERNITY][2] - 1)
        elif rng.random() < 0.3:
            kind, days = "", rng.randint(20, SECONDMENT[2] - 30)
        else:
            kind = rng.choice((LeaveKind.SICK, LeaveKind.SICK, LeaveKind.STUDY, LeaveKind.OTHER))
            days = rng.randint(2, LEAVE[kind][2] - 1)
        start = max(self.today - dt.timedelta(days=days), person.joined + 7 * DAY)
        taken.add(start)
        if kind:
            reason = rng.choice(LEAVE_REASONS[kind])
            changes.append(Change(start, ChangeKind.LEAVE, {"leave_kind": kind}, reason))
        else:
            document = self._document(start) if rng.random() < 0.5 else ""
            reason = rng.choice(SECONDMENT_REASONS)
            changes.append(
                Change(start, ChangeKind.SECONDMENT, reason=reason, document_no=document)
            )
        return start

    def _leaves(
        self,
        person: Trainee,
        first: dt.date,
        last: dt.date,
        changes: list[Change],
        taken: set[dt.date],
    ) -> None:
        """Leave and secondments that ended with a return, within a spell (first–last day)."""
        rng = self.rng
        free_from = max(HISTORY_START, first + 90 * DAY)
        last_birth: dt.date | None = None
        for year in range(free_from.year, last.year + 1):
            kind = None
            for candidate, (chance, _shortest, _longest) in LEAVE.items():
                if candidate == LeaveKind.MATERNITY and not self._may_give_birth(
                    person, year, last_birth
                ):
                    continue
                if rng.random() < chance:
                    kind = candidate
                    break
            if kind is None and rng.random() < SECONDMENT[0]:
                kind = ""
            if kind is None:
                continue
            _chance, shortest, longest = LEAVE[kind] if kind else SECONDMENT
            start = max(dt.date(year, 1, 1) + rng.randint(0, 364) * DAY, free_from)
            back = start + rng.randint(shortest, longest) * DAY
            while start in taken or back in taken:
                start, back = start + DAY, back + DAY
            if back > last or (
                kind == LeaveKind.MATERNITY
                and not MATERNITY_AGES[0] <= person.age_on(start) <= MATERNITY_AGES[1]
            ):
                continue
            taken |= {start, back}
            free_from = back + 30 * DAY
            if kind:
                reason = rng.choice(LEAVE_REASONS[kind])
                changes.append(Change(start, ChangeKind.LEAVE, {"leave_kind": kind}, reason))
                changes.append(Change(back, ChangeKind.RETURN, reason=RETURN_REASON))
                if kind == LeaveKind.MATERNITY:
                    last_birth = start
            else:
                document = self._document(start) if rng.random() < 0.5 else ""
                reason = rng.choice(SECONDMENT_REASONS)
                changes.append(
                    Change(start, ChangeKind.SECONDMENT, reason=reason, document_no=document)
                )
                changes.append(Change(back, ChangeKind.RETURN, reason=SECONDMENT_RETURN_REASON))

    @staticmethod
    def _may_give_birth(person: Trainee, year: int, last_birth: dt.date | None) -> bool:
        if person.gender != Gender.FEMALE:
            return False
        low, high = MATERNITY_AGES
        if not low <= person.age_on(dt.date(year, 7, 1)) <= high:
            return False
        return last_birth is None or last_birth.year < year - 2

    # --- placement, post and grade, drawn backwards from today's slot ---

    def _values(
        self,
        person: Trainee,
        spells: list[tuple[dt.date, dt.date]],
        rehired_on: dt.date | None,
        taken: set[dt.date],
    ) -> list[Change]:
        """The transfers, post and grade changes (and the return of one who came back) that
        lead to today's slot; sets the worker's columns to where they started."""
        rng = self.rng
        events: list[tuple[dt.date, str]] = []
        for first, last in spells:
            # Yearly reviews after a first full year in the spell.
            for year in range(HISTORY_START.year, last.year + 1):
                day = dt.date(year, 1, 1)
                if first + 400 * DAY < day <= last and day not in taken:
                    taken.add(day)
                    events.append((day, "review"))
        first, last = spells[0]
        if person.started_community_work == first:
            day = month_add(first + 365 * DAY, 1)
            if HISTORY_START <= day <= last and day not in taken:
                taken.add(day)
                events.append((day, "probation"))
        first, last = spells[-1]
        if rehired_on is not None:
            events.append((rehired_on, "rehired"))
        if rng.random() < SHARE_MOVED:
            moves = 2 if rng.random() < SHARE_MOVED_AGAIN else 1
            for _i in range(moves):
                day = self._free_day(max(HISTORY_START, first + 180 * DAY), last, taken)
                if day is not None:
                    events.append((day, "transfer"))
        chance, _before = PROMOTED.get(person.post, (0.0, ""))
        if rng.random() < chance:
            day = self._free_day(max(HISTORY_START, first + 730 * DAY), last, taken)
            if day is not None:
                events.append((day, "promotion"))

        now = _Values(
            person.subdistrict_id,
            person.neighbourhood_id,
            person.post,
            self.levels[person.grade_id],
        )
        changes: list[Change] = []
        for day, event in sorted(events, reverse=True):
            change = getattr(self, f"_undo_{event}")(day, now)
            if change is not None:
                changes.append(change)
        person.subdistrict_id = now.subdistrict_id
        person.neighbourhood_id = now.neighbourhood_id
        person.post = now.post
        person.grade_id = self.grade_ids[now.level]
        return changes

    # Each `_undo_…` turns `now` (the values from `day` on) into the values before `day` and
    # returns the change that led from those to these (None when there was none).

    def _undo_review(self, day: dt.date, now: _Values) -> Change | None:
        lowest = max(GRADE_RANGES[now.post][0], 1)
        steps = 2 if self.rng.random() < REVIEW_DOUBLE else 1
        if self.rng.random() >= REVIEW_STEP or now.level - steps < lowest:
            return None
        template = REVIEW_TWO_REASON if steps == 2 else REVIEW_REASON
        change = Change(
            day,
            ChangeKind.GRADE,
            {"grade_id": self.grade_ids[now.level]},
            reason=template.format(year=day.year - 1),
            document_no=self.review_documents[day.year],
        )
        now.level -= steps
        return change

    def _undo_probation(self, day: dt.date, now: _Values) -> Change | None:
        if now.level < 1 or now.post != Post.GENERAL:
            return None
        change = Change(
            day, ChangeKind.GRADE, {"grade_id": self.grade_ids[now.level]}, PROBATION_REASON
        )
        now.level = 0
        return change

    def _undo_transfer(self, day: dt.date, now: _Values) -> Change:
        rng = self.rng
        values = {"subdistrict_id": now.subdistrict_id, "neighbourhood_id": now.neighbourhood_id}
        across = rng.random() < SHARE_ACROSS
        if across:
            others = [s for s in self.subdistrict_ids if s != now.subdistrict_id]
            now.subdistrict_id = rng.choice(others)
            now.neighbourhood_id = rng.choice(self.committees[now.subdistrict_id])
        elif (
            now.neighbourhood_id is not None
            and now.post == Post.GENERAL
            and rng.random() < SHARE_FROM_OFFICE
        ):
            now.neighbourhood_id = None  # from the subdistrict office into a committee
        else:
            here = [n for n in self.committees[now.subdistrict_id] if n != now.neighbourhood_id]
            now.neighbourhood_id = rng.choice(here)
        document = self._document(day) if across or rng.random() < 0.3 else ""
        reason = rng.choice(ACROSS_REASONS if across else MOVE_REASONS)
        return Change(day, ChangeKind.TRANSFER, values, reason, document)

    def _undo_promotion(self, day: dt.date, now: _Values) -> Change:
        rng = self.rng
        before = PROMOTED[now.post][1]
        values: dict[str, object] = {"post": now.post}
        low, high = GRADE_RANGES[before]
        level = max(min(now.level - rng.choice((0, 1, 1)), high), low)
        if level != now.level:
            values["grade_id"] = self.grade_ids[now.level]
        heads = now.post in (Post.PARTY_SECRETARY, Post.DIRECTOR)
        document = self._document(day) if heads or rng.random() < 0.3 else ""
        change = Change(
            day, ChangeKind.POST, values, rng.choice(PROMOTION_REASONS[now.post]), document
        )
        now.post, now.level = before, level
        return change

    def _undo_rehired(self, day: dt.date, now: _Values) -> Change:
        rng = self.rng
        values = {
            "subdistrict_id": now.subdistrict_id,
            "neighbourhood_id": now.neighbourhood_id,
            "post": now.post,
            "grade_id": self.grade_ids[now.level],
        }
        # Before leaving: the same committee or another of the subdistrict, a grade or two lower.
        if now.neighbourhood_id is not None and rng.random() < 0.5:
            now.neighbourhood_id = rng.choice(self.committees[now.subdistrict_id])
        lowest = max(GRADE_RANGES[now.post][0], 1) if now.level else 0
        now.level = max(now.level - rng.choice((0, 1, 2)), lowest)
        document = self._document(day) if rng.random() < 0.5 else ""
        return Change(day, ChangeKind.REHIRED, values, rng.choice(REHIRED_REASONS), document)


# --- reading the histories back, for the seeders that follow ---

Spells = list[tuple[dt.date, dt.date | None]]


def spells_by_worker() -> Iterator[tuple[int, Spells]]:
    """Every worker's spells on the books (first day, last day or None while still on), in
    worker key order, streamed: consecutive periods on the books (在册: on duty, on leave,
    seconded) make one spell; a departure ends it and a return (再次入职) starts the next."""
    rows = (
        WorkerPeriod.objects.order_by("trainee_id", "starts_on")
        .values_list("trainee_id", "starts_on", "ends_on", "state")
        .iterator(chunk_size=BATCH_SIZE)
    )
    for trainee_id, periods in groupby(rows, key=itemgetter(0)):
        spells: Spells = []
        joined = False  # the last period seen was on the books
        for _id, starts_on, ends_on, state in periods:
            if state not in ON_BOOKS_STATES:
                joined = False
                continue
            if joined:
                spells[-1] = (spells[-1][0], ends_on)
            else:
                spells.append((starts_on, ends_on))
            joined = True
        yield trainee_id, spells


def on_books(spells: Spells, day: dt.date) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in spells)


def off_books_between(spells: Spells, first: dt.date, last: dt.date) -> bool:
    """Gone from the books (left, not yet back) on some day from `first` to `last`."""
    for (_start, end), following in zip(spells, [*spells[1:], None], strict=True):
        if end is None:
            continue
        back = following[0] if following else dt.date.max
        if end + DAY <= last and back - DAY >= first:
            return True
    return False
