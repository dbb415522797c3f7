"""Career grades and ~2,090 community workers per unit of scale, with valid ID numbers.

Workers are drawn one at a time and written a batch at a time: at scale 50 (about 104,500
workers) the roster is never held in memory. Posts are planned first for every committee (a
tuple each), so that leave and departures are drawn over the whole roster before anyone is
generated. Ages, service and departures are reckoned from `ctx.today`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.utils.translation import gettext as _

from demo import data
from demo.context import Picker, SeedContext, add_years
from demo.rows import bulk_create_stream
from trainees.identity import id_check_char
from trainees.models import (
    CareerGrade,
    Education,
    Gender,
    PoliticalStatus,
    Post,
    Trainee,
    TraineeStatus,
)

# Workers per unit of scale, office staff included. About 4.5% are on leave or have left, so
# the active count lands near 2,000 ("nearly 2,000 community workers", DOMAIN.md).
WORKERS_PER_SCALE = 2090
SHARE_ON_LEAVE = 0.015
SHARE_LEFT = 0.03
MIN_COMMITTEE_STAFF = 7  # secretary, director, 2 deputies, 3 members at most

# 三岗十八级: heads 7–18, deputies 4–15, other staff 1–12 (DOMAIN.md, careers).
GRADE_RANGES: dict[str, tuple[int, int]] = {
    Post.PARTY_SECRETARY: (7, 18),
    Post.DIRECTOR: (7, 18),
    Post.DEPUTY: (4, 15),
    Post.COMMITTEE_MEMBER: (1, 12),
    Post.GENERAL: (1, 12),
}
HEADS = (Post.PARTY_SECRETARY, Post.DIRECTOR)

# Age bands (inclusive) and weights by post: mostly 28–50, heads older.
AGE_BANDS: dict[str, tuple[tuple[tuple[int, int], int], ...]] = {
    "head": (((30, 39), 25), ((40, 49), 45), ((50, 58), 30)),
    "deputy": (((28, 35), 25), ((36, 45), 45), ((46, 56), 30)),
    "staff": (((23, 27), 20), ((28, 35), 33), ((36, 45), 28), ((46, 50), 12), ((51, 60), 7)),
}


def seed_grades(ctx: SeedContext) -> None:
    existing = set(CareerGrade.objects.values_list("level", flat=True))
    CareerGrade.objects.bulk_create(
        [
            CareerGrade(level=level, name=_("未定级") if level == 0 else f"{level}级")
            for level in range(19)
            if level not in existing
        ]
    )
    ctx.grade_ids = dict(CareerGrade.objects.values_list("level", "pk"))


def staff_sizes(households: list[int], total: int) -> list[int]:
    """Split `total` workers over committees in proportion to households, at least 7 each.

    Largest-remainder rounding, so the sizes add up to `total` exactly.
    """
    spare = max(total - MIN_COMMITTEE_STAFF * len(households), 0)
    weight = sum(households)
    ideal = [spare * h / weight for h in households]
    sizes = [int(x) for x in ideal]
    short = spare - sum(sizes)
    by_remainder = sorted(range(len(ideal)), key=lambda i: (sizes[i] - ideal[i], i))
    for i in by_remainder[:short]:
        sizes[i] += 1
    return [MIN_COMMITTEE_STAFF + size for size in sizes]


def committee_posts(rng: random.Random, size: int) -> list[str]:
    deputies = 1 if size < 9 else rng.randint(1, 2)
    members = 2 if size < 9 else rng.randint(2, 3)
    posts = [Post.PARTY_SECRETARY, Post.DIRECTOR]
    posts += [Post.DEPUTY] * deputies + [Post.COMMITTEE_MEMBER] * members
    return posts + [Post.GENERAL] * (size - len(posts))


class PersonMaker:
    """Draws one plausible worker at a time; keeps ID numbers and mobiles unique."""

    def __init__(self, rng: random.Random, grade_ids: dict[int, int], *, today: dt.date) -> None:
        self.rng = rng
        self.grade_ids = grade_ids
        self.today = today
        self.ids: set[str] = set()
        self.mobiles: set[str] = set()
        self.surname = Picker(data.SURNAMES)
        self.address = Picker(data.ADDRESS_CODES)
        self.major = Picker(data.MAJORS)
        self.age_band = {kind: Picker(bands) for kind, bands in AGE_BANDS.items()}
        self.education_young = Picker(
            (
                (Education.HIGH_SCHOOL, 3),
                (Education.JUNIOR_COLLEGE, 33),
                (Education.BACHELOR, 59),
                (Education.MASTER, 5),
            )
        )
        self.education_older = Picker(
            (
                (Education.HIGH_SCHOOL, 15),
                (Education.JUNIOR_COLLEGE, 50),
                (Education.BACHELOR, 33),
                (Education.MASTER, 2),
            )
        )
        # The Communist Youth League ends at 28; secretaries are party members.
        self.politics_young = Picker(
            (
                (PoliticalStatus.CYL_MEMBER, 62),
                (PoliticalStatus.CPC_MEMBER, 15),
                (PoliticalStatus.CPC_PROBATIONARY, 10),
                (PoliticalStatus.MASSES, 13),
            )
        )
        self.politics_director = Picker(
            (
                (PoliticalStatus.CPC_MEMBER, 80),
                (PoliticalStatus.MASSES, 17),
                (PoliticalStatus.DEMOCRATIC_PARTY, 3),
            )
        )
        self.politics = Picker(
            (
                (PoliticalStatus.CPC_MEMBER, 40),
                (PoliticalStatus.CPC_PROBATIONARY, 2),
                (PoliticalStatus.DEMOCRATIC_PARTY, 2),
                (PoliticalStatus.MASSES, 56),
            )
        )

    def name(self, gender: str) -> str:
        rng = self.rng
        if gender == Gender.MALE:
            single, double = data.MALE_GIVEN_1, data.MALE_GIVEN_2
        else:
            single, double = data.FEMALE_GIVEN_1, data.FEMALE_GIVEN_2
        given = rng.choice(single) if rng.random() < 0.25 else rng.choice(double)
        return self.surname(rng) + given

    def id_number(self, birth: dt.date, gender: str) -> str:
        # GB 11643: 17th digit odd for men, even for women; check character over 17 digits.
        parity = "13579" if gender == Gender.MALE else "02468"
        while True:
            first17 = (
                f"{self.address(self.rng)}{birth:%Y%m%d}"
                f"{self.rng.randrange(100):02d}{self.rng.choice(parity)}"
            )
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + id_check_char(first17)

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def person(self, *, subdistrict_id: int, neighbourhood_id: int | None, post: str) -> Trainee:
        rng = self.rng
        today = self.today
        kind = "head" if post in HEADS else "deputy" if post == Post.DEPUTY else "staff"
        low, high = self.age_band[kind](rng)
        age = rng.randint(low, high)
        # Born between `age` and `age + 1` years before today.
        birth = today - dt.timedelta(days=int(age * 365.2425) + rng.randint(1, 364))
        gender = Gender.FEMALE if rng.random() < 0.70 else Gender.MALE

        if post == Post.PARTY_SECRETARY:
            politics = PoliticalStatus.CPC_MEMBER
        elif post == Post.DIRECTOR:
            politics = self.politics_director(rng)
        elif age <= 28:
            politics = self.politics_young(rng)
        else:
            politics = self.politics(rng)

        education = (self.education_older if age >= 50 else self.education_young)(rng)
        social_work_share = {Education.MASTER: 0.35}.get(education, 0.25 if age < 35 else 0.14)
        if education == Education.HIGH_SCHOOL:
            major, social_work = "", False
        elif rng.random() < social_work_share:
            major, social_work = data.SOCIAL_WORK_MAJOR, True
        else:
            major, social_work = self.major(rng), False

        # Community work starts at 20 at the earliest (the model rule is 16), heads earlier.
        earliest = add_years(birth, 20)
        latest = today - dt.timedelta(days=14)
        shape = {"head": (1.5, 3.0), "deputy": (1.8, 2.5)}.get(kind, (2.0, 2.5))
        span = (latest - earliest).days
        started = earliest + dt.timedelta(days=int(span * rng.betavariate(*shape)))
        joined = started
        if rng.random() < 0.45:  # transferred or promoted into the current committee later
            joined += dt.timedelta(days=int((latest - started).days * rng.betavariate(1.5, 2.0)))

        service = (today - started).days / 365.2425
        grade_low, grade_high = GRADE_RANGES[post]
        if post == Post.GENERAL and service < 1 and rng.random() < 0.6:
            level = 0  # still on probation: not graded yet
        else:
            level = grade_low + round((grade_high - grade_low) * min(service / 28, 1.0))
            level = min(max(level + rng.randint(-1, 1), grade_low), grade_high)

        return Trainee(
            name=self.name(gender),
            gender=gender,
            birth_date=birth,
            id_number=self.id_number(birth, gender),
            mobile=self.mobile(),
            political_status=politics,
            subdistrict_id=subdistrict_id,
            neighbourhood_id=neighbourhood_id,
            post=post,
            grade_id=self.grade_ids[level],
            education=education,
            major=major,
            major_is_social_work=social_work,
            started_community_work=started,
            joined=joined,
            status=TraineeStatus.ACTIVE,
        )


def _mark_left(person: Trainee, rng: random.Random, today: dt.date) -> None:
    """A departure some time after joining and before today (at most about 2.5 years ago)."""
    if (today - person.joined).days < 30:
        person.joined = person.started_community_work
    if (today - person.joined).days < 30:
        person.started_community_work = person.joined = add_years(person.birth_date, 20)
    gap = (today - person.joined).days
    person.status = TraineeStatus.LEFT
    person.left_on = today - dt.timedelta(days=rng.randint(1, min(gap - 1, 900)))


def seed_workers(ctx: SeedContext) -> None:
    rng = ctx.rng("workers")
    maker = PersonMaker(rng, ctx.grade_ids, today=ctx.today)
    office = {code: rng.randint(2, 4) * ctx.scale for code, _n, _k in data.SUBDISTRICTS}
    in_committees = WORKERS_PER_SCALE * ctx.scale - sum(office.values())
    sizes = staff_sizes([nb.households or 1500 for nb in ctx.neighbourhoods], in_committees)

    # (subdistrict id, committee id or None for the office, post) of every worker to be drawn.
    plan: list[tuple[int, int | None, str]] = []
    for nb, size in zip(ctx.neighbourhoods, sizes, strict=True):
        plan += [(nb.subdistrict_id, nb.pk, post) for post in committee_posts(rng, size)]
    for code, count in office.items():
        plan += [(ctx.subdistricts[code].pk, None, Post.GENERAL)] * count

    # Heads stay on duty; leave and departures come from the other posts.
    others = [i for i, (_sub, _nb, post) in enumerate(plan) if post not in HEADS]
    away = rng.sample(others, round(len(plan) * (SHARE_ON_LEAVE + SHARE_LEFT)))
    n_on_leave = round(len(plan) * SHARE_ON_LEAVE)
    on_leave, left = set(away[:n_on_leave]), set(away[n_on_leave:])
    del others, away

    def people() -> Iterator[Trainee]:
        for i, (sub_id, nb_id, post) in enumerate(plan):
            person = maker.person(subdistrict_id=sub_id, neighbourhood_id=nb_id, post=post)
            if i in on_leave:
                person.status = TraineeStatus.ON_LEAVE
            elif i in left:
                _mark_left(person, rng, ctx.today)
            yield person

    count = bulk_create_stream(Trainee, people())
    ctx.say(_("社区工作者 %(count)d 人。") % {"count": count})
