"""Demo data for Dudao: Changning's 10 subdistricts, 185 committees, ~2,000 workers, demo logins.

`seed_demo()` runs a sequence of steps (`_seed_structure`, `_seed_grades`, `_seed_workers`,
`_seed_logins`) that share a `SeedContext`. Later steps (supervisor team, sessions, training,
exams) append to `STEPS`.

Determinism: every generated value comes from a `random.Random` seeded from `--seed` and the
step's name, and every date is reckoned from `DEMO_TODAY`, never from the clock. The same seed
and scale give the same people, ID numbers and committees on any machine. Each step has its own
generator, so adding a step later does not change what the earlier steps produce.

Run-once rule: the demo only seeds a database that has no community workers. If any `Trainee`
exists (from an earlier run or real data) or one of the demo usernames is taken, `seed_demo`
says why and changes nothing. Subdistricts, committees and career grades that already exist
(matched by statistical code, by subdistrict and name, by level) are reused, not duplicated.

The rows are written with `bulk_create` instead of the services: the services validate one
worker at a time, which is too slow for 100,000 rows, and the generator produces valid rows by
construction (tests/neighbourhoods/test_seed_demo.py checks the rules the services enforce).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from neighbourhoods import demo_data as data
from neighbourhoods.models import Neighbourhood, Subdistrict
from supervisors.models import Assignment, QualificationLevel, SupervisionMode, Supervisor
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

DEMO_TODAY = dt.date(2026, 11, 1)
DEMO_SEED = 2019
DEMO_PASSWORD = "dudao-demo-2026"
# Workers per unit of scale, office staff included. About 4.5% are on leave or have left, so
# the active count lands near 2,000 ("nearly 2,000 community workers", DOMAIN.md).
WORKERS_PER_SCALE = 2090
SHARE_ON_LEAVE = 0.015
SHARE_LEFT = 0.03
MIN_COMMITTEE_STAFF = 7  # secretary, director, 2 deputies, 3 members at most
BATCH_SIZE = 2000
ASSIGNMENTS_STARTED_ON = dt.date(2025, 3, 1)
SUPERVISOR_TRAINEES = 10  # the plan's 1:10 ratio

# username, role, display name, home subdistrict code (subdistrict administrators only)
LOGINS: tuple[tuple[str, str, str, str | None], ...] = (
    ("district", Role.DISTRICT_ADMIN, "区民政局 管理员", None),
    ("leader", Role.LEADER, "区领导小组", None),
    ("huayang", Role.SUBDISTRICT_ADMIN, "华阳路街道 社区办", "310105001"),
    ("xinjing", Role.SUBDISTRICT_ADMIN, "新泾镇 社区办", "310105102"),
    ("supervisor", Role.SUPERVISOR, "", None),  # display name: the supervisor's own name
    ("worker", Role.WORKER, "", None),  # display name: the linked worker's name
)
LOGIN_USERNAMES = tuple(login[0] for login in LOGINS)
SUPERVISOR_HOME_CODE = "310105001"

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


class _Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class _Picker:
    """Weighted choice with cumulative weights computed once."""

    def __init__(self, items: Sequence[tuple[Any, int]]) -> None:
        self.values = [value for value, _weight in items]
        self.cum_weights: list[int] = []
        total = 0
        for _value, weight in items:
            total += weight
            self.cum_weights.append(total)

    def __call__(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


@dataclass
class SeedContext:
    seed: int
    scale: int
    password: str
    stdout: _Writer | None = None
    subdistricts: dict[str, Subdistrict] = field(default_factory=dict)  # by statistical code
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)  # in plan order
    grade_ids: dict[int, int] = field(default_factory=dict)  # level -> CareerGrade pk
    users: dict[str, User] = field(default_factory=dict)  # by username
    supervisor: Supervisor | None = None

    def rng(self, step: str) -> random.Random:
        # A string seed is hashed with SHA-512, so it does not depend on PYTHONHASHSEED.
        return random.Random(f"dudao-demo:{self.seed}:{step}")

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")


def demo_blocker() -> str | None:
    """Why the demo must not be seeded here, or None when the database is free for it."""
    workers = Trainee.objects.count()
    if workers:
        if Subdistrict.objects.filter(code=data.SUBDISTRICTS[0][0]).exists():
            return _("演示数据已存在（%(count)d 名社区工作者），未做任何更改。") % {
                "count": workers
            }
        return _("数据库中已有 %(count)d 名社区工作者，演示数据只写入空库，未做任何更改。") % {
            "count": workers
        }
    taken = list(
        User.objects.filter(username__in=LOGIN_USERNAMES)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if taken:
        return _("演示账号 %(names)s 已存在，未做任何更改。") % {"names": "、".join(taken)}
    return None


def demo_counts() -> dict[str, int]:
    committees = Neighbourhood.objects.count()
    return {
        "subdistricts": Subdistrict.objects.count(),
        "neighbourhoods": committees,
        "committees": committees,  # the same count under the domain's word
        "workers": Trainee.objects.count(),
        "active_workers": Trainee.objects.filter(status=TraineeStatus.ACTIVE).count(),
        "logins": User.objects.filter(username__in=LOGIN_USERNAMES).count(),
        "assignments": Assignment.objects.filter(ended_on__isnull=True).count(),
    }


def seed_demo(
    *,
    seed: int = DEMO_SEED,
    scale: int = 1,
    password: str = DEMO_PASSWORD,
    stdout: _Writer | None = None,
    activity: bool = True,
) -> dict[str, Any]:
    """Fill an empty database with the demo district; see the module docstring for the rules.

    With activity=False only the structure, workers, logins and pairings are built, not the
    18 months of supervision logs (fast, for tests and large-scale benchmarks).

    Returns the counts after the run and `created` (False when the run-once rule stopped it).
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    ctx = SeedContext(seed=seed, scale=scale, password=password, stdout=stdout)
    with transaction.atomic():
        blocker = demo_blocker()
        if blocker:
            ctx.say(blocker)
            for line in demo_login_lines(password=password):
                ctx.say(line)
            return {"created": False, **demo_counts()}
        for step in STEPS + (ACTIVITY_STEPS if activity else []):
            step(ctx)
        counts = demo_counts()
    refresh_planner_statistics()
    _report(ctx, counts)
    return {"created": True, **counts}


def refresh_planner_statistics() -> None:
    """ANALYZE after a bulk load, so the query planner knows the tables' real sizes.

    On PostgreSQL autovacuum may have sampled the tables half-filled, in the middle of the
    load; with those statistics the dashboards' grouped counts took 4.6 s instead of 0.56 s
    until the next automatic ANALYZE (measured on the demo district).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- structure: subdistricts and committees ---------------------------------------------------


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"
    return str(n)


def _committee_plan(scale: int) -> list[tuple[str, str, str]]:
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


def _seed_structure(ctx: SeedContext) -> None:
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
    for code, name, housing in _committee_plan(ctx.scale):
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


# --- career grades ------------------------------------------------------------------------------


def _seed_grades(ctx: SeedContext) -> None:
    existing = set(CareerGrade.objects.values_list("level", flat=True))
    CareerGrade.objects.bulk_create(
        [
            CareerGrade(level=level, name=_("未定级") if level == 0 else f"{level}级")
            for level in range(19)
            if level not in existing
        ]
    )
    ctx.grade_ids = dict(CareerGrade.objects.values_list("level", "pk"))


# --- workers ---------------------------------------------------------------------------------------


def _staff_sizes(households: list[int], total: int) -> list[int]:
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


def _committee_posts(rng: random.Random, size: int) -> list[str]:
    deputies = 1 if size < 9 else rng.randint(1, 2)
    members = 2 if size < 9 else rng.randint(2, 3)
    posts = [Post.PARTY_SECRETARY, Post.DIRECTOR]
    posts += [Post.DEPUTY] * deputies + [Post.COMMITTEE_MEMBER] * members
    return posts + [Post.GENERAL] * (size - len(posts))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _PersonMaker:
    """Draws one plausible worker at a time; keeps ID numbers and mobiles unique."""

    def __init__(self, rng: random.Random, grade_ids: dict[int, int]) -> None:
        self.rng = rng
        self.grade_ids = grade_ids
        self.ids: set[str] = set()
        self.mobiles: set[str] = set()
        self.surname = _Picker(data.SURNAMES)
        self.address = _Picker(data.ADDRESS_CODES)
        self.major = _Picker(data.MAJORS)
        self.age_band = {kind: _Picker(bands) for kind, bands in AGE_BANDS.items()}
        self.education_young = _Picker(
            (
                (Education.HIGH_SCHOOL, 3),
                (Education.JUNIOR_COLLEGE, 33),
                (Education.BACHELOR, 59),
                (Education.MASTER, 5),
            )
        )
        self.education_older = _Picker(
            (
                (Education.HIGH_SCHOOL, 15),
                (Education.JUNIOR_COLLEGE, 50),
                (Education.BACHELOR, 33),
                (Education.MASTER, 2),
            )
        )
        # The Communist Youth League ends at 28; secretaries are party members.
        self.politics_young = _Picker(
            (
                (PoliticalStatus.CYL_MEMBER, 62),
                (PoliticalStatus.CPC_MEMBER, 15),
                (PoliticalStatus.CPC_PROBATIONARY, 10),
                (PoliticalStatus.MASSES, 13),
            )
        )
        self.politics_director = _Picker(
            (
                (PoliticalStatus.CPC_MEMBER, 80),
                (PoliticalStatus.MASSES, 17),
                (PoliticalStatus.DEMOCRATIC_PARTY, 3),
            )
        )
        self.politics = _Picker(
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
        kind = "head" if post in HEADS else "deputy" if post == Post.DEPUTY else "staff"
        low, high = self.age_band[kind](rng)
        age = rng.randint(low, high)
        # Born between `age` and `age + 1` years before DEMO_TODAY.
        birth = DEMO_TODAY - dt.timedelta(days=int(age * 365.2425) + rng.randint(1, 364))
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
        earliest = _add_years(birth, 20)
        latest = DEMO_TODAY - dt.timedelta(days=14)
        shape = {"head": (1.5, 3.0), "deputy": (1.8, 2.5)}.get(kind, (2.0, 2.5))
        span = (latest - earliest).days
        started = earliest + dt.timedelta(days=int(span * rng.betavariate(*shape)))
        joined = started
        if rng.random() < 0.45:  # transferred or promoted into the current committee later
            joined += dt.timedelta(days=int((latest - started).days * rng.betavariate(1.5, 2.0)))

        service = (DEMO_TODAY - started).days / 365.2425
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


def _seed_workers(ctx: SeedContext) -> None:
    rng = ctx.rng("workers")
    maker = _PersonMaker(rng, ctx.grade_ids)
    office = {code: rng.randint(2, 4) * ctx.scale for code, _n, _k in data.SUBDISTRICTS}
    in_committees = WORKERS_PER_SCALE * ctx.scale - sum(office.values())
    sizes = _staff_sizes([nb.households or 1500 for nb in ctx.neighbourhoods], in_committees)

    people: list[Trainee] = []
    for nb, size in zip(ctx.neighbourhoods, sizes, strict=True):
        for post in _committee_posts(rng, size):
            people.append(
                maker.person(subdistrict_id=nb.subdistrict_id, neighbourhood_id=nb.pk, post=post)
            )
    for code, count in office.items():
        sub_id = ctx.subdistricts[code].pk
        for _i in range(count):
            people.append(
                maker.person(subdistrict_id=sub_id, neighbourhood_id=None, post=Post.GENERAL)
            )

    # Heads stay on duty; leave and departures come from the other posts.
    others = [i for i, person in enumerate(people) if person.post not in HEADS]
    away = rng.sample(others, round(len(people) * (SHARE_ON_LEAVE + SHARE_LEFT)))
    n_on_leave = round(len(people) * SHARE_ON_LEAVE)
    for i in away[:n_on_leave]:
        people[i].status = TraineeStatus.ON_LEAVE
    for i in away[n_on_leave:]:
        person = people[i]
        if (DEMO_TODAY - person.joined).days < 30:
            person.joined = person.started_community_work
        if (DEMO_TODAY - person.joined).days < 30:
            person.started_community_work = person.joined = _add_years(person.birth_date, 20)
        gap = (DEMO_TODAY - person.joined).days
        person.status = TraineeStatus.LEFT
        person.left_on = DEMO_TODAY - dt.timedelta(days=rng.randint(1, min(gap - 1, 900)))

    Trainee.objects.bulk_create(people, batch_size=BATCH_SIZE)
    ctx.say(_("社区工作者 %(count)d 人。") % {"count": len(people)})


# --- demo logins -----------------------------------------------------------------------------------


def _seed_logins(ctx: SeedContext) -> None:
    rng = ctx.rng("logins")
    password_hash = make_password(ctx.password)  # hashed once, shared by every demo login
    for username, role, display_name, sub_code in LOGINS:
        user = User(
            username=username,
            role=role,
            display_name=display_name,
            subdistrict=ctx.subdistricts[sub_code] if sub_code else None,
            is_staff=role == Role.DISTRICT_ADMIN,  # the district administrator uses the admin site
            is_superuser=False,
            password=password_hash,
        )
        user.save()
        ctx.users[username] = user

    home = ctx.subdistricts[SUPERVISOR_HOME_CODE]
    maker = _PersonMaker(rng, ctx.grade_ids)
    supervisor = Supervisor.objects.create(
        name=maker.name(Gender.FEMALE),
        kind=Supervisor.Kind.AGENCY,
        organisation=data.SUPERVISOR_ORGANISATION,
        qualification=QualificationLevel.INTERMEDIATE,
        home_subdistrict=home,
        specialties=["public_resale", "villa"],
        capacity=SUPERVISOR_TRAINEES,
        user=ctx.users["supervisor"],
    )
    ctx.supervisor = supervisor
    ctx.users["supervisor"].display_name = supervisor.name
    ctx.users["supervisor"].save(update_fields=["display_name"])

    candidates = list(
        Trainee.objects.filter(
            subdistrict=home,
            neighbourhood__isnull=False,
            status=TraineeStatus.ACTIVE,
            post__in=[Post.COMMITTEE_MEMBER, Post.GENERAL],
            joined__lte=ASSIGNMENTS_STARTED_ON,
        ).order_by("pk")
    )
    chosen = rng.sample(candidates, SUPERVISOR_TRAINEES)
    # Newer workers get mentor-style supervision, experienced ones drills (DOMAIN.md, practice).
    chosen.sort(key=lambda t: (t.started_community_work, t.pk), reverse=True)
    Assignment.objects.bulk_create(
        [
            Assignment(
                supervisor=supervisor,
                trainee=trainee,
                mode=SupervisionMode.MENTOR if i < 6 else SupervisionMode.DRILL,
                started_on=ASSIGNMENTS_STARTED_ON,
                reason=_("新任社区工作者师徒带教") if i < 6 else _("训练式督导（季度演练）"),
                created_by=ctx.users["district"],
            )
            for i, trainee in enumerate(chosen)
        ]
    )

    worker = chosen[0]
    worker.user = ctx.users["worker"]
    worker.save(update_fields=["user", "updated_at"])
    ctx.users["worker"].display_name = worker.name
    ctx.users["worker"].save(update_fields=["display_name"])


def _seed_supervisors(ctx: SeedContext) -> None:
    from supervisors.demo import seed_supervisors

    seed_supervisors(ctx)


STEPS: list[Callable[[SeedContext], None]] = [
    _seed_structure,
    _seed_grades,
    _seed_workers,
    _seed_logins,
    _seed_supervisors,
]


def _seed_certification(ctx: SeedContext) -> None:
    from certification.demo import seed_certification

    seed_certification(ctx)


def _seed_sessions(ctx: SeedContext) -> None:
    from sessions.demo import seed_sessions

    seed_sessions(ctx)


def _seed_training(ctx: SeedContext) -> None:
    from sessions.training_demo import seed_training

    seed_training(ctx)


# Months of activity that later capabilities add on top of the district and its pairings.
ACTIVITY_STEPS: list[Callable[[SeedContext], None]] = [
    _seed_certification,
    _seed_sessions,
    _seed_training,
]


def _report(ctx: SeedContext, counts: dict[str, int]) -> None:
    ctx.say(
        _(
            "演示数据已生成（seed %(seed)d，scale %(scale)d）：街道（镇）%(subdistricts)d 个，"
            "居委会 %(neighbourhoods)d 个，社区工作者 %(workers)d 人，其中在岗 %(active)d 人。"
        )
        % {
            "seed": ctx.seed,
            "scale": ctx.scale,
            "subdistricts": counts["subdistricts"],
            "neighbourhoods": counts["neighbourhoods"],
            "workers": counts["workers"],
            "active": counts["active_workers"],
        }
    )
    ctx.say("")
    for line in demo_login_lines(password=ctx.password):
        ctx.say(line)


def demo_login_lines(*, password: str = DEMO_PASSWORD) -> list[str]:
    """The demo logins that exist in this database, as an aligned table for the terminal."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=LOGIN_USERNAMES).select_related("subdistrict")
    }
    if not users:
        return [_("没有演示账号；运行 manage.py seed_demo 生成。")]
    lines = [_("演示账号（密码均为 %(password)s）：") % {"password": password}]
    rows = [(_("用户名"), _("角色"), _("姓名"), _("范围"))]
    for username, role, _display, _sub in LOGINS:
        user = users.get(username)
        if user is None:
            continue
        scope = user.subdistrict.name if user.subdistrict_id else _("全区")
        if username == "supervisor":
            scope = _("本人学员")
        elif username == "worker":
            scope = _("本人档案")
        rows.append((username, str(Role(role).label), user.display_name, scope))
    widths = [max(_display_width(row[col]) for row in rows) for col in range(3)]
    for row in rows:
        cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[3]]))
    return lines


def _display_width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))
