"""Demo supervisor team for seed_demo: ~1 supervisor per 10 workers, pairings for nearly all.

Runs after the structure, workers and the demo logins exist (neighbourhoods.demo STEPS).
About 30% of supervisors are external experts (social-work agencies, universities); the rest
are experienced community workers with an intermediate or senior certificate, who are not
themselves supervised. Roughly 2% of workers are left unpaired, so that the auto-assignment
preview has real work to show, and some pairings were changed once (history).
"""

import datetime as dt
import math

from django.contrib.auth.hashers import make_password
from django.db.models import Count, Q

from accounts.models import Role, User
from neighbourhoods.models import HousingType
from trainees.models import Post, Trainee, TraineeStatus

from .models import Assignment, QualificationLevel, SupervisionMode, Supervisor

STARTED_ON = dt.date(2025, 3, 1)
DEMO_TODAY = dt.date(2026, 11, 1)  # neighbourhoods.demo.DEMO_TODAY (imported there, not here)
AGENCIES = [
    "长宁区社会工作协会",
    "上海乐群社工服务社",
    "长宁区睦邻社工师事务所",
    "上海阳光社区青少年事务中心",
]
UNIVERSITIES = ["华东师范大学社会发展学院", "华东政法大学社会发展学院", "上海大学社会学院"]
HOUSING = [h for h in HousingType.values if h != HousingType.MIXED]


def seed_supervisors(ctx) -> None:
    rng = ctx.rng("supervisors")
    district_admin = ctx.users["district"]
    password_hash = make_password(ctx.password)
    taken = set(
        Assignment.objects.filter(ended_on__isnull=True).values_list("trainee_id", flat=True)
    )
    rows = list(
        Trainee.objects.filter(status=TraineeStatus.ACTIVE)
        .exclude(pk__in=taken)
        .values_list("pk", "subdistrict_id", "started_community_work", "post", "name")
        .order_by("subdistrict_id", "pk")
    )
    by_sub: dict[int, list] = {}
    for row in rows:
        by_sub.setdefault(row[1], []).append(row)

    supervisors: list[Supervisor] = []
    users: list[User] = []
    serial = 0
    for sub_id, workers in sorted(by_sub.items()):
        # Experienced heads of committees also serve as supervisors (and keep their own).
        heads = [
            w
            for w in workers
            if w[3] in (Post.PARTY_SECRETARY, Post.DIRECTOR) and w[2].year <= 2008
        ]
        needed = math.ceil(len(workers) * 0.98 / 10)
        internal = min(len(heads), round(needed * 0.7))
        chosen_heads = rng.sample(heads, internal)
        for i in range(needed):
            serial += 1
            username = f"dd{serial:04d}"
            users.append(User(username=username, role=Role.SUPERVISOR, password=password_hash))
            if i < internal:
                head = chosen_heads[i]
                supervisors.append(
                    Supervisor(
                        name=head[4],
                        kind=Supervisor.Kind.WORKER,
                        trainee_id=head[0],
                        home_subdistrict_id=sub_id,
                        qualification=rng.choice(
                            [QualificationLevel.INTERMEDIATE] * 4 + [QualificationLevel.SENIOR]
                        ),
                        specialties=rng.sample(HOUSING, rng.randint(1, 2)),
                    )
                )
            else:
                kind = rng.choice([Supervisor.Kind.AGENCY] * 3 + [Supervisor.Kind.UNIVERSITY])
                orgs = AGENCIES if kind == Supervisor.Kind.AGENCY else UNIVERSITIES
                supervisors.append(
                    Supervisor(
                        name=rng.choice("王李张刘陈杨黄赵吴周徐孙朱胡沈陆顾")
                        + rng.choice(
                            [
                                "晓梅",
                                "立新",
                                "文静",
                                "海燕",
                                "建华",
                                "丽萍",
                                "志强",
                                "佳怡",
                                "敏",
                                "磊",
                            ]
                        ),
                        kind=kind,
                        organisation=rng.choice(orgs),
                        home_subdistrict_id=sub_id,
                        qualification=rng.choice(
                            [QualificationLevel.INTERMEDIATE, QualificationLevel.SENIOR]
                        ),
                        specialties=rng.sample(HOUSING, rng.randint(1, 3)),
                    )
                )
        by_sub[sub_id] = (workers, supervisors[-needed:] if needed else [])

    User.objects.bulk_create(users, batch_size=2000)
    created_users = {
        u.username: u.pk for u in User.objects.filter(username__in=[u.username for u in users])
    }
    for sup, user in zip(supervisors, users, strict=True):
        sup.user_id = created_users[user.username]
    Supervisor.objects.bulk_create(supervisors, batch_size=2000)
    User.objects.bulk_update(
        [
            User(pk=created_users[u.username], display_name=s.name)
            for s, u in zip(supervisors, users, strict=True)
        ],
        ["display_name"],
        batch_size=2000,
    )

    assignments: list[Assignment] = []
    for _sub_id, (workers, team) in sorted(by_sub.items()):
        if not team:
            continue
        rng.shuffle(workers)
        placed = workers[: int(len(workers) * 0.98)]
        load = [0] * len(team)
        for i, worker in enumerate(placed):
            # Round robin over ceil(placed / 10) new supervisors keeps each within 1:10; a
            # worker who supervises others is paired with a colleague, never with themself.
            k = i % len(team)
            while team[k].trainee_id == worker[0] or load[k] >= team[k].capacity:
                k = (k + 1) % len(team)
            load[k] += 1
            sup = team[k]
            junior = (DEMO_TODAY - worker[2]).days <= 3 * 365
            mode = (
                SupervisionMode.MENTOR if junior or rng.random() < 0.35 else SupervisionMode.DRILL
            )
            # One pairing in twelve changed once: the old one ended with a reason (history).
            if rng.random() < 1 / 12:
                other = next(
                    team[(k + j) % len(team)]
                    for j in range(1, len(team) + 1)
                    if team[(k + j) % len(team)].trainee_id != worker[0]
                )
                assignments.append(
                    Assignment(
                        supervisor=other,
                        trainee_id=worker[0],
                        mode=mode,
                        started_on=STARTED_ON,
                        ended_on=dt.date(2025, 9, 30),
                        reason="首轮结对",
                        end_reason=rng.choice(
                            ["督导师工作调整", "按住房类型专长重新结对", "学员岗位变动"]
                        ),
                        created_by=district_admin,
                    )
                )
                start = dt.date(2025, 10, 1)
            else:
                start = STARTED_ON
            assignments.append(
                Assignment(
                    supervisor=sup,
                    trainee_id=worker[0],
                    mode=mode,
                    started_on=start,
                    reason="新任社区工作者师徒带教"
                    if mode == SupervisionMode.MENTOR
                    else "训练式督导（季度演练）",
                    created_by=district_admin,
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=2000)


def supervisor_counts() -> dict[str, int]:
    return Supervisor.objects.aggregate(
        supervisors=Count("pk"),
        external=Count("pk", filter=~Q(kind=Supervisor.Kind.WORKER)),
    )
