"""Career grades and ~2,090 community workers per unit of scale, with valid ID numbers and
their dated histories.

Workers are drawn one at a time and written a batch at a time: at scale 50 (about 104,500
workers) the roster is never held in memory. Posts are planned first for every committee (a
tuple each), so that leave and departures are drawn over the whole roster before anyone is
generated. Ages, service and departures are reckoned from `ctx.today`. Each worker's history
since 2019 (transfers, posts, grades, leave, secondments, leaving, coming back) is built in
memory through trainees.history by demo/seeders/careers.py and bulk-created with the batch;
the worker's columns are the period covering today.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.utils.translation import gettext as _

from demo import data
from demo.context import Picker, SeedContext, add_years
from demo.rows import BATCH_SIZE, RowWriter, batched, forget_queries
from demo.seeders.careers import (
    AWAY,
    GRADE_RANGES,
    LEFT,
    ON_DUTY,
    REHIRED,
    RETIRED,
    CareerMaker,
)
from trainees.identity import id_check_char
from trainees.models import (
    CareerGrade,
    ChangeKind,
    Education,
    Gender,
    PoliticalStatus,
    Post,
    Trainee,
    TraineeStatus,
    WorkerPeriod,
)

# Workers per unit of scale, office staff included. About 4.5% are away today (on leave or
# seconded) or have left, so the active count lands near 2,000 ("nearly 2,000 community
# workers", DOMAIN.md).
WORKERS_PER_SCALE = 2090
SHARE_ON_LEAVE = 0.015
SHARE_LEFT = 0.03
SHARE_RETIRED = 0.3  # of those who left, drawn older: women retire at 50, men at 60
SHARE_REHIRED = 0.005  # left since 2019 and came back
# Ages today of the older workers drawn for retirement: women past 50 (most), men at 60.
RETIREE_AGES = (((51, 57), 80), ((60, 60), 20))
MIN_COMMITTEE_STAFF = 7  # secretary, director, 2 deputies, 3 members at most
# A period's columns as written (the worker's key first), and the attributes they come from.
PERIOD_VALUES = (
    "starts_on",
    "ends_on",
    "subdistrict_id",
    "neighbourhood_id",
    "post",
    "grade_id",
    "state",
    "leave_kind",
    "change",
    "reason",
    "document_no",
    "recorded_by_id",
)
PERIOD_FIELDS = ("trainee", *(name.removesuffix("_id") for name in PERIOD_VALUES))

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

    def person(
        self,
        *,
        subdistrict_id: int,
        neighbourhood_id: int | None,
        post: str,
        ages: tuple[int, int] | None = None,
    ) -> Trainee:
        """A worker placed in today's slot, on duty since `joined`; `ages` overrides the band
        of ages today drawn by post."""
        rng = self.rng
        today = self.today
        kind = "head" if post in HEADS else "deputy" if post == Post.DEPUTY else "staff"
        low, high = ages or self.age_band[kind](rng)
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
        if rng.random() < 0.45:  # came to the district's committees later (from elsewhere)
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

    # Heads stay on duty; leave, departures and returns come from the other posts.
    others = [i for i, (_sub, _nb, post) in enumerate(plan) if post not in HEADS]
    n_away = round(len(plan) * SHARE_ON_LEAVE)
    n_left = round(len(plan) * SHARE_LEFT)
    n_retired = round(n_left * SHARE_RETIRED)
    n_rehired = round(len(plan) * SHARE_REHIRED)
    drawn = rng.sample(others, n_away + n_left + n_rehired)
    fates = dict.fromkeys(drawn[:n_away], AWAY)
    fates.update(dict.fromkeys(drawn[n_away : n_away + n_retired], RETIRED))
    fates.update(dict.fromkeys(drawn[n_away + n_retired : n_away + n_left], LEFT))
    fates.update(dict.fromkeys(drawn[n_away + n_left :], REHIRED))
    del others, drawn
    retiree_ages = Picker(RETIREE_AGES)
    careers = CareerMaker(
        ctx.rng("careers"),
        today=ctx.today,
        grade_ids=ctx.grade_ids,
        neighbourhoods=ctx.neighbourhoods,
        actor=ctx.users.get("district"),
    )

    def people() -> Iterator[tuple[Trainee, list[WorkerPeriod]]]:
        for i, (sub_id, nb_id, post) in enumerate(plan):
            fate = fates.get(i, ON_DUTY)
            ages = retiree_ages(rng) if fate == RETIRED else None
            person = maker.person(
                subdistrict_id=sub_id, neighbourhood_id=nb_id, post=post, ages=ages
            )
            yield person, careers.build(person, fate)

    # A batch of workers, then their periods: bulk_create gives the workers their keys, and the
    # periods (about 3.5 a worker, 350,000 at scale 50) go in as plain rows (demo/rows.py).
    period_rows = RowWriter(WorkerPeriod, PERIOD_FIELDS)
    count = 0
    for chunk in batched(people()):
        Trainee.objects.bulk_create([person for person, _periods in chunk], batch_size=BATCH_SIZE)
        period_rows.write(
            [
                (person.pk, *(getattr(period, name) for name in PERIOD_VALUES))
                for person, periods in chunk
                for period in periods
            ]
        )
        count += len(chunk)
        forget_queries()
    ctx.say(_("社区工作者 %(count)d 人。") % {"count": count})
    changes, leave = careers.changes, careers.leave_kinds
    ctx.say(
        _(
            "履历 %(periods)d 段：调动 %(transfers)d 次，岗位变动 %(posts)d 次，调级 %(grades)d 次，"
            "休假 %(leave)d 次（产假 %(maternity)d、病假 %(sick)d、进修 %(study)d、事假 %(other)d），"
            "借调 %(secondments)d 次，离职 %(left)d 次，退休 %(retired)d 人，再次入职 %(rehired)d 人。"
        )
        % {
            "periods": careers.periods,
            "transfers": changes[ChangeKind.TRANSFER],
            "posts": changes[ChangeKind.POST],
            "grades": changes[ChangeKind.GRADE],
            "leave": changes[ChangeKind.LEAVE],
            "maternity": leave["maternity"],
            "sick": leave["sick"],
            "study": leave["study"],
            "other": leave["other"],
            "secondments": changes[ChangeKind.SECONDMENT],
            "left": changes[ChangeKind.LEFT],
            "retired": changes[ChangeKind.RETIRED],
            "rehired": changes[ChangeKind.REHIRED],
        }
    )
