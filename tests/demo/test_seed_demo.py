"""`manage.py seed_demo`: the demo district a new user logs in to (demo/seed.py)."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from demo.context import DEMO_PASSWORD, SeedContext
from demo.seed import seed_demo
from neighbourhoods.models import HousingType, Neighbourhood, Subdistrict
from supervisors.models import Assignment, Supervisor
from tests.factories import SubdistrictFactory, TraineeFactory
from trainees.identity import id_number_birth_date, id_number_gender, id_number_validate
from trainees.models import CareerGrade, Post, Trainee, TraineeStatus

pytestmark = pytest.mark.django_db

CHANGNING = {
    "310105001": ("华阳路街道", "street", 21),
    "310105002": ("江苏路街道", "street", 13),
    "310105004": ("新华路街道", "street", 17),
    "310105005": ("周家桥街道", "street", 21),
    "310105006": ("天山路街道", "street", 17),
    "310105008": ("仙霞新村街道", "street", 24),
    "310105009": ("虹桥街道", "street", 20),
    "310105010": ("程家桥街道", "street", 8),
    "310105011": ("北新泾街道", "street", 15),
    "310105102": ("新泾镇", "town", 29),
}


def _max_pks() -> dict[str, int | None]:
    return {
        model.__name__: model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for model in (
            Subdistrict,
            Neighbourhood,
            CareerGrade,
            Trainee,
            User,
            Supervisor,
            Assignment,
        )
    }


def test_builds_changning_as_the_plan_describes_it():
    out = io.StringIO()
    counts = seed_demo(stdout=out, activity=False)

    assert counts["created"] is True
    assert counts["subdistricts"] == 10
    assert counts["neighbourhoods"] == 185
    assert 1900 <= counts["active_workers"] <= 2100
    assert counts["active_workers"] == Trainee.objects.filter(status=TraineeStatus.ACTIVE).count()
    per_subdistrict = {
        s.code: (s.name, s.kind, s.neighbourhoods.count()) for s in Subdistrict.objects.all()
    }
    assert per_subdistrict == CHANGNING
    assert Neighbourhood.objects.filter(name="华一居委会", subdistrict__code="310105001").exists()
    assert Neighbourhood.objects.filter(name="屈家桥居委会", subdistrict__code="310105102").exists()
    # 售后公房 is the most common type; every type occurs; households stay in 800–3,500.
    mix = Counter(Neighbourhood.objects.values_list("housing_type", flat=True))
    assert mix.most_common(1)[0][0] == HousingType.PUBLIC_RESALE
    assert set(mix) == set(HousingType.values)
    assert all(800 <= n.households <= 3500 for n in Neighbourhood.objects.all())
    assert list(CareerGrade.objects.values_list("level", flat=True)) == list(range(19))
    # Some on leave, some left, and the committees' heads are all on duty.
    statuses = Counter(Trainee.objects.values_list("status", flat=True))
    assert statuses[TraineeStatus.ON_LEAVE] > 0 and statuses[TraineeStatus.LEFT] > 0
    assert not Trainee.objects.filter(post__in=[Post.PARTY_SECRETARY, Post.DIRECTOR]).exclude(
        status=TraineeStatus.ACTIVE
    )
    # The summary names the counts and every login.
    text = out.getvalue()
    assert "185" in text and str(counts["active_workers"]) in text
    for username in ("district", "leader", "huayang", "xinjing", "supervisor", "worker"):
        assert username in text


def test_every_worker_file_agrees_with_itself():
    today = timezone.localdate()  # seed_demo's default "today"
    seed_demo(activity=False)

    workers = list(Trainee.objects.select_related("grade", "neighbourhood"))
    assert len({w.id_number for w in workers}) == len(workers)
    posts_per_committee: dict[int, Counter] = {}
    for w in workers:
        assert id_number_validate(w.id_number, today=today) == w.id_number
        assert id_number_birth_date(w.id_number) == w.birth_date
        assert id_number_gender(w.id_number) == w.gender
        assert 23 <= w.age_on(today) <= 60
        assert w.age_on(w.started_community_work) >= 16
        assert w.started_community_work <= w.joined < today
        assert len(w.mobile) == 11 and w.mobile.startswith("1")
        if w.status == TraineeStatus.LEFT:
            assert w.joined < w.left_on < today
        else:
            assert w.left_on is None
        low, high = {
            Post.PARTY_SECRETARY: (7, 18),
            Post.DIRECTOR: (7, 18),
            Post.DEPUTY: (4, 15),
        }.get(w.post, (0, 12))
        assert low <= w.grade.level <= high
        if w.neighbourhood_id:
            assert w.neighbourhood.subdistrict_id == w.subdistrict_id
            posts_per_committee.setdefault(w.neighbourhood_id, Counter())[w.post] += 1
    assert len(posts_per_committee) == 185
    for posts in posts_per_committee.values():
        assert posts[Post.PARTY_SECRETARY] == 1 and posts[Post.DIRECTOR] == 1
        assert 1 <= posts[Post.DEPUTY] <= 2 and 2 <= posts[Post.COMMITTEE_MEMBER] <= 3
    # Community work in Shanghai is mostly done by women; some were born outside Changning.
    genders = Counter(w.gender for w in workers)
    assert 0.6 < genders["F"] / len(workers) < 0.8
    assert any(not w.id_number.startswith("310105") for w in workers)
    # Each subdistrict office has its own staff.
    offices = Counter(w.subdistrict_id for w in workers if w.neighbourhood_id is None)
    assert len(offices) == 10 and min(offices.values()) >= 2


def test_demo_logins_see_what_their_role_promises():
    seed_demo(activity=False)

    users = {
        u.username: u
        for u in User.objects.select_related("subdistrict").exclude(username__startswith="dd")
    }
    # Besides the six role logins, every supervisor of the team has a login (dd0001…).
    assert User.objects.filter(username__startswith="dd", role=Role.SUPERVISOR).count() >= 190
    assert {name: u.role for name, u in users.items()} == {
        "district": Role.DISTRICT_ADMIN,
        "leader": Role.LEADER,
        "huayang": Role.SUBDISTRICT_ADMIN,
        "xinjing": Role.SUBDISTRICT_ADMIN,
        "supervisor": Role.SUPERVISOR,
        "worker": Role.WORKER,
    }
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert not any(u.is_superuser for u in users.values())
    assert users["district"].is_staff
    assert users["huayang"].subdistrict.name == "华阳路街道"
    assert users["xinjing"].subdistrict.name == "新泾镇"

    supervisor = Supervisor.objects.get(user=users["supervisor"])
    assert supervisor.home_subdistrict.code == "310105001"
    assert supervisor.kind == Supervisor.Kind.AGENCY
    assert supervisor.qualification == "intermediate"
    active = Assignment.objects.filter(supervisor=supervisor, ended_on__isnull=True)
    assert active.count() == 10
    assert set(active.values_list("mode", flat=True)) == {"mentor", "drill"}
    # The pairings start two months before the 18 months of logs that end yesterday.
    started = SeedContext(seed=0, scale=1, today=timezone.localdate()).pairings_started_on
    assert set(active.values_list("started_on", flat=True)) == {started}
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert started.day == 1
    assert (yesterday.year - started.year) * 12 + yesterday.month - started.month == 19
    trainees = Trainee.objects.filter(assignments__in=active)
    assert set(trainees.values_list("subdistrict__code", flat=True)) == {"310105001"}
    assert set(trainees.values_list("status", flat=True)) == {TraineeStatus.ACTIVE}
    assert users["worker"].trainee in trainees


def test_a_second_run_changes_nothing():
    first = seed_demo(activity=False)
    before = _max_pks()

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    second = seed_demo(activity=False)

    assert second["created"] is False
    assert {k: v for k, v in second.items() if k != "created"} == {
        k: v for k, v in first.items() if k != "created"
    }
    assert _max_pks() == before
    assert "未做任何更改" in out.getvalue()


def test_a_database_with_real_workers_is_left_alone():
    TraineeFactory()
    before = _max_pks()

    result = seed_demo(activity=False)

    assert result["created"] is False
    assert _max_pks() == before
    assert not User.objects.filter(username="district").exists()


def test_subdistricts_already_loaded_are_reused():
    SubdistrictFactory(code="310105001", name="华阳路街道")

    seed_demo(activity=False)

    assert Subdistrict.objects.count() == 10
    assert Subdistrict.objects.get(code="310105001").neighbourhoods.count() == 21


def test_demo_supervisor_team_covers_nearly_everyone_at_one_to_ten():
    from supervisors.models import Assignment, Supervisor

    seed_demo(activity=False)
    active = Trainee.objects.filter(status=TraineeStatus.ACTIVE).count()
    covered = Assignment.objects.filter(
        ended_on__isnull=True, trainee__status=TraineeStatus.ACTIVE
    ).count()
    assert 0.95 * active <= covered < active  # nearly all: a few left for auto-assignment
    supervisors = Supervisor.objects.count()
    assert 180 <= supervisors <= 220
    assert Supervisor.objects.exclude(kind=Supervisor.Kind.WORKER).count() >= 0.2 * supervisors
    for supervisor in Supervisor.objects.all():
        assert supervisor.assignments.filter(ended_on__isnull=True).count() <= supervisor.capacity
        assert (
            not supervisor.assignments.filter(trainee_id=supervisor.trainee_id).exists()
            or supervisor.trainee_id is None
        )
    assert Assignment.objects.filter(ended_on__isnull=False).exclude(end_reason="").exists()


def test_the_planner_knows_the_seeded_tables_sizes():
    """seed_demo ends with ANALYZE: the query planner's row estimates are the real sizes, not
    the half-filled tables autovacuum may have sampled mid-load (docs/benchmarks.md, Load)."""
    from django.db import connection

    seed_demo(activity=False)
    workers = Trainee.objects.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", [Trainee._meta.db_table]
            )
        else:
            # SQLite keeps ANALYZE's results in sqlite_stat1: "rows rows-per-key ...".
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [Trainee._meta.db_table]
            )
        (estimate,) = cursor.fetchone()
    estimated = int(float(str(estimate).split()[0]))
    assert estimated == workers > 1000


def _district(today: dt.date) -> list[tuple]:
    """The workers a run produces (not their keys), the run rolled back."""
    with transaction.atomic():
        seed_demo(activity=False, today=today)
        rows = list(
            Trainee.objects.order_by("id_number_hash").values_list(
                "id_number_hash", "name", "birth_date", "joined", "status", "left_on", "post"
            )
        )
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_scale_and_today_give_the_same_district():
    first = _district(dt.date(2026, 12, 1))

    assert _district(dt.date(2026, 12, 1)) == first
    # Another today: the same district, its people a little over a year older.
    later = _district(dt.date(2028, 2, 29))
    assert later != first
    assert len(later) == len(first)


def test_the_command_pins_today():
    out = io.StringIO()
    call_command("seed_demo", "--today", "2026-12-01", "--without-activity", stdout=out)

    assert "2026-12-01" in out.getvalue()
    assert Trainee.objects.aggregate(m=Max("joined"))["m"] < dt.date(2026, 12, 1)
    assert Assignment.objects.aggregate(m=Max("started_on"))["m"] < dt.date(2026, 12, 1)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "2026-13-01")
