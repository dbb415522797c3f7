import datetime as dt
import itertools

import factory

from accounts.models import Role, User
from neighbourhoods.models import HousingType, Neighbourhood, Subdistrict
from supervisors.models import Assignment, SupervisionMode, Supervisor
from trainees.history import initial_period
from trainees.identity import id_check_char
from trainees.models import Education, Trainee, WorkerPeriod

_sequence = itertools.count(1)


def make_id_number(birth: dt.date, gender: str = "F", region: str = "310105") -> str:
    """A valid GB 11643 number: unique sequence digits, parity by gender."""
    n = next(_sequence)
    while n % 500 == 0:  # sequence 000 is replaced by 002 below: it would meet n % 500 == 1
        n = next(_sequence)
    seq = (n % 500) * 2 + (1 if gender == "M" else 0)
    seq = seq or 2
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    # Spread across regions when the 3-digit sequence wraps, so numbers stay unique.
    if n >= 500:
        # (310110 + k never meets 310105, the region of the first 500.)
        first17 = f"{310110 + n // 500:06d}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试{n}街道")
    code = factory.Sequence(lambda n: f"310105{n + 200:03d}")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"测试{n}居委会")
    subdistrict = factory.SubFactory(SubdistrictFactory)
    housing_type = HousingType.PUBLIC_RESALE
    households = 1200


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.WORKER
    password = factory.django.Password("correct-horse-battery")


class TraineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainee

    name = factory.Sequence(lambda n: f"王{'一二三四五六七八九十'[n % 10]}{n}")
    gender = "F"
    birth_date = dt.date(1988, 5, 17)
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date, o.gender))
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    subdistrict = factory.LazyAttribute(lambda o: o.neighbourhood.subdistrict)
    education = Education.BACHELOR
    started_community_work = dt.date(2012, 7, 1)
    joined = dt.date(2015, 3, 1)

    @factory.post_generation
    def periods(self, create, extracted, **kwargs):
        """The worker's history, as the create service writes it (trainees.history)."""
        if create:
            with_periods([self])


def with_periods(trainees):
    """First periods for workers a test inserted in bulk (trainee_create writes them)."""
    WorkerPeriod.objects.bulk_create(
        [p for trainee in trainees for p in initial_period(trainee, actor=None)]
    )
    return trainees


class SupervisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervisor

    name = factory.Sequence(lambda n: f"督导{n}")
    kind = Supervisor.Kind.AGENCY
    home_subdistrict = factory.SubFactory(SubdistrictFactory)
    user = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    supervisor = factory.SubFactory(SupervisorFactory)
    trainee = factory.SubFactory(TraineeFactory)
    mode = SupervisionMode.MENTOR
    started_on = dt.date(2025, 3, 1)
