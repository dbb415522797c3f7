"""The demo supervisor team: ~1 supervisor per the district's ratio of workers (1:10 as seeded),
pairings for nearly all.

First the "supervisor" login's own record: an agency supervisor in 华阳路街道 with ten trainees
(six in mentor mode, four in drill mode), one of them the "worker" login. Then the team of
every subdistrict: about 30% external experts (social-work agencies, universities), the rest
experienced heads of committees with an intermediate or senior certificate, who are not
themselves supervised. Roughly 2% of workers are left unpaired, so that the auto-assignment
preview has real work to show, and one pairing in twelve was changed once (history).

Pairings start `ctx.pairings_started_on`, or when a later joiner joined or a worker moved in
from another subdistrict (from their dated history: a pairing belongs to the subdistrict the
worker is in, on the books throughout); the team is built one subdistrict at a time and its
pairings are written a batch at a time.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from demo import data
from demo.context import SeedContext
from demo.rows import BATCH_SIZE, bulk_create_stream
from demo.seeders.trainees import HEADS, PersonMaker
from neighbourhoods.models import HousingType, Subdistrict
from supervisors.models import (
    Assignment,
    QualificationLevel,
    SupervisionMode,
    SupervisionPolicy,
    Supervisor,
)
from supervisors.selectors import supervision_policy
from trainees.models import (
    ON_BOOKS_STATES,
    EmploymentState,
    Gender,
    Post,
    Trainee,
    TraineeStatus,
    WorkerPeriod,
)

SUPERVISOR_TRAINEES = 10  # the demo login's own trainees (six mentor, four drill)
SUPERVISOR_HOME_CODE = "310105001"  # the demo supervisor works in 华阳路街道, like "huayang"
# Heads of committees who have done community work for this many calendar years supervise.
EXPERIENCED_YEARS = 18
SHARE_PAIRED = 0.98
SHARE_INTERNAL = 0.7
AGENCIES = [
    "长宁区社会工作协会",
    "上海乐群社工服务社",
    "长宁区睦邻社工师事务所",
    "上海阳光社区青少年事务中心",
]
UNIVERSITIES = ["华东师范大学社会发展学院", "华东政法大学社会发展学院", "上海大学社会学院"]
EXPERT_SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡沈陆顾"
EXPERT_GIVEN = ["晓梅", "立新", "文静", "海燕", "建华", "丽萍", "志强", "佳怡", "敏", "磊"]
HOUSING = [h for h in HousingType.values if h != HousingType.MIXED]
MENTOR_REASON = "新任社区工作者师徒带教"
DRILL_REASON = "训练式督导（季度演练）"


def seed_demo_supervisor(ctx: SeedContext) -> None:
    """The "supervisor" login's record, its ten pairings, and the "worker" login's worker."""
    rng = ctx.rng("demo-supervisor")
    home = ctx.subdistricts[SUPERVISOR_HOME_CODE]
    supervisor = Supervisor.objects.create(
        name=PersonMaker(rng, ctx.grade_ids, today=ctx.today).name(Gender.FEMALE),
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

    # On duty in 华阳路街道 throughout since the pairings began (never placed elsewhere, on
    # leave or seconded since), so that the demo logins' logs run without a gap.
    since = ctx.pairings_started_on
    elsewhere = (
        WorkerPeriod.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .exclude(subdistrict=home, state=EmploymentState.ON_DUTY)
        .values("trainee_id")
    )
    candidates = list(
        Trainee.objects.filter(
            subdistrict=home,
            neighbourhood__isnull=False,
            status=TraineeStatus.ACTIVE,
            post__in=[Post.COMMITTEE_MEMBER, Post.GENERAL],
            joined__lte=since,
        )
        .exclude(pk__in=elsewhere)
        .order_by("pk")
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
                started_on=ctx.pairings_started_on,
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


def seed_supervisors(ctx: SeedContext) -> None:
    rng = ctx.rng("supervisors")
    password_hash = make_password(ctx.password)
    paired = Assignment.objects.filter(ended_on__isnull=True).values("trainee_id")
    # The district's ratio (SupervisionPolicy, 1:10 as seeded) sizes each team and is each
    # generated supervisor's capacity.
    policy = supervision_policy()
    # Experienced heads of committees also serve as supervisors (and keep their own).
    experienced_from = ctx.today.year - EXPERIENCED_YEARS
    serial = 0
    teams = pairings = 0
    for sub in sorted(ctx.subdistricts.values(), key=lambda s: s.pk):
        # (pk, started community work, post, name, in the subdistrict since) of its unpaired
        # workers.
        since = _in_subdistrict_since(sub)
        workers = [
            (pk, started, post, name, since[pk])
            for pk, started, post, name in Trainee.objects.filter(
                subdistrict=sub, status=TraineeStatus.ACTIVE
            )
            .exclude(pk__in=paired)
            .order_by("pk")
            .values_list("pk", "started_community_work", "post", "name")
        ]
        heads = [w for w in workers if w[2] in HEADS and w[1].year <= experienced_from]
        needed = math.ceil(len(workers) * SHARE_PAIRED / policy.district_ratio)
        internal = min(len(heads), round(needed * SHARE_INTERNAL))
        chosen_heads = rng.sample(heads, internal)
        team: list[Supervisor] = []
        users: list[User] = []
        for i in range(needed):
            serial += 1
            if i < internal:
                head = chosen_heads[i]
                supervisor = Supervisor(
                    name=head[3],
                    kind=Supervisor.Kind.WORKER,
                    trainee_id=head[0],
                    home_subdistrict=sub,
                    qualification=rng.choice(
                        [QualificationLevel.INTERMEDIATE] * 4 + [QualificationLevel.SENIOR]
                    ),
                    specialties=rng.sample(HOUSING, rng.randint(1, 2)),
                    capacity=policy.district_ratio,
                )
            else:
                kind = rng.choice([Supervisor.Kind.AGENCY] * 3 + [Supervisor.Kind.UNIVERSITY])
                supervisor = Supervisor(
                    name=rng.choice(EXPERT_SURNAMES) + rng.choice(EXPERT_GIVEN),
                    kind=kind,
                    organisation=rng.choice(
                        AGENCIES if kind == Supervisor.Kind.AGENCY else UNIVERSITIES
                    ),
                    home_subdistrict=sub,
                    qualification=rng.choice(
                        [QualificationLevel.INTERMEDIATE, QualificationLevel.SENIOR]
                    ),
                    specialties=rng.sample(HOUSING, rng.randint(1, 3)),
                    capacity=policy.district_ratio,
                )
            team.append(supervisor)
            users.append(
                User(
                    username=f"dd{serial:04d}",
                    role=Role.SUPERVISOR,
                    display_name=supervisor.name,
                    password=password_hash,
                )
            )
        # bulk_create sets the primary keys (RETURNING on SQLite and PostgreSQL).
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        for supervisor, user in zip(team, users, strict=True):
            supervisor.user_id = user.pk
        Supervisor.objects.bulk_create(team, batch_size=BATCH_SIZE)
        if team:
            teams += len(team)
            pairings += bulk_create_stream(
                Assignment, _pairings(ctx, rng=rng, workers=workers, team=team, policy=policy)
            )
    ctx.say(
        _("督导师 %(supervisors)d 名，结对 %(pairings)d 对。")
        % {"supervisors": teams, "pairings": pairings}
    )


def _in_subdistrict_since(sub: Subdistrict) -> dict[int, dt.date]:
    """When each worker now in `sub` came to it: the first day of the run of periods up to now
    on the books in `sub` (a return or a move in starts it)."""
    rows = (
        WorkerPeriod.objects.filter(trainee__subdistrict=sub)
        .order_by("trainee_id", "-starts_on")
        .values_list("trainee_id", "starts_on", "subdistrict_id", "state")
    )
    since: dict[int, dt.date] = {}
    for trainee_id, periods in groupby(rows, key=itemgetter(0)):
        for _id, starts_on, subdistrict_id, state in periods:
            if subdistrict_id != sub.pk or state not in ON_BOOKS_STATES:
                break
            since[trainee_id] = starts_on
    return since


def _pairings(
    ctx: SeedContext,
    *,
    rng: random.Random,
    workers: list[tuple[int, dt.date, str, str, dt.date]],
    team: list[Supervisor],
    policy: SupervisionPolicy,
) -> Iterator[Assignment]:
    district_admin = ctx.users["district"]
    rng.shuffle(workers)
    placed = workers[: int(len(workers) * SHARE_PAIRED)]
    load = [0] * len(team)
    for i, (trainee_id, started_work, _post, _name, arrived) in enumerate(placed):
        # Round robin over ceil(placed / ratio) new supervisors keeps each within the ratio; a
        # worker who supervises others is paired with a colleague, never with themself.
        k = i % len(team)
        while team[k].trainee_id == trainee_id or load[k] >= team[k].capacity:
            k = (k + 1) % len(team)
        load[k] += 1
        # Junior workers by the district's rule get mentor mode; some others too.
        junior = policy.mode_for(started_work, on=ctx.today) == SupervisionMode.MENTOR
        mode = SupervisionMode.MENTOR if junior or rng.random() < 0.35 else SupervisionMode.DRILL
        # A pairing starts with the district's first round, or when the worker came (joined,
        # came back or moved in from another subdistrict).
        start = max(ctx.pairings_started_on, arrived)
        # One pairing in twelve changed once: the old one ended with a reason (history).
        if rng.random() < 1 / 12 and start < ctx.repaired_on - dt.timedelta(days=30):
            other = next(
                team[(k + j) % len(team)]
                for j in range(1, len(team) + 1)
                if team[(k + j) % len(team)].trainee_id != trainee_id
            )
            yield Assignment(
                supervisor=other,
                trainee_id=trainee_id,
                mode=mode,
                started_on=start,
                ended_on=ctx.repaired_on - dt.timedelta(days=1),
                reason="首轮结对",
                end_reason=rng.choice(["督导师工作调整", "按住房类型专长重新结对", "学员岗位变动"]),
                created_by=district_admin,
            )
            start = ctx.repaired_on
        yield Assignment(
            supervisor=team[k],
            trainee_id=trainee_id,
            mode=mode,
            started_on=start,
            reason=MENTOR_REASON if mode == SupervisionMode.MENTOR else DRILL_REASON,
            created_by=district_admin,
        )
