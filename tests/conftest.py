"""Personas shared by every test (STYLE.md): who is asking decides what they may see.

The clock is pinned for the whole suite (collection included): every test starts at
`TEST_NOW`, and the clock then runs on (tick) so that time-outs and "just now" still work.
`DUDAO_TEST_NOW=2026-12-01T00:05:00+08:00 make test` runs the suite on another day; `make
test-dates` runs it on a month's first and last day, a leap day and New Year's Eve.
"""

import datetime as dt
import json
import os
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client

from accounts.models import Role
from tests.factories import (
    AssignmentFactory,
    NeighbourhoodFactory,
    SubdistrictFactory,
    SupervisorFactory,
    TraineeFactory,
    UserFactory,
)

# A Wednesday in the middle of a month, in the morning: the default day has nothing special.
TEST_NOW = dt.datetime.fromisoformat(os.environ.get("DUDAO_TEST_NOW", "2026-11-18T10:00:00+08:00"))
_session_clock = time_machine.travel(TEST_NOW, tick=True)


def pytest_configure(config) -> None:
    # Module-level dates (parametrize values, constants) are computed at collection time.
    _session_clock.start()


def pytest_unconfigure(config) -> None:
    _session_clock.stop()


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Each test starts at TEST_NOW, whatever ran before it."""
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (dashboards keep their figures there)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """Two subdistricts A and B, a committee in each, workers, two supervisors and every role."""
    a = SubdistrictFactory(name="华阳路街道", code="310105001")
    b = SubdistrictFactory(name="新泾镇", code="310105102", kind="town")
    na = NeighbourhoodFactory(name="华一居委会", subdistrict=a)
    nb = NeighbourhoodFactory(name="新泾一村居委会", subdistrict=b, housing_type="resettlement")
    worker_user = UserFactory(username="worker", role=Role.WORKER)
    worker = TraineeFactory(name="陆晓燕", neighbourhood=na, user=worker_user)
    colleague = TraineeFactory(name="顾建国", gender="M", neighbourhood=na)
    worker_b = TraineeFactory(name="沈丽华", neighbourhood=nb)
    supervisor = SupervisorFactory(
        name="周督导",
        home_subdistrict=a,
        user=UserFactory(username="supervisor", role=Role.SUPERVISOR),
    )
    other_supervisor = SupervisorFactory(
        name="吴督导",
        home_subdistrict=b,
        user=UserFactory(username="supervisor_b", role=Role.SUPERVISOR),
    )
    AssignmentFactory(supervisor=supervisor, trainee=worker)
    AssignmentFactory(supervisor=other_supervisor, trainee=worker_b)
    return SimpleNamespace(
        a=a,
        b=b,
        na=na,
        nb=nb,
        worker=worker,
        colleague=colleague,
        worker_b=worker_b,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        users=SimpleNamespace(
            district=UserFactory(username="district", role=Role.DISTRICT_ADMIN, is_staff=True),
            leader=UserFactory(username="leader", role=Role.LEADER),
            admin_a=UserFactory(username="admin_a", role=Role.SUBDISTRICT_ADMIN, subdistrict=a),
            admin_b=UserFactory(username="admin_b", role=Role.SUBDISTRICT_ADMIN, subdistrict=b),
            supervisor=supervisor.user,
            other_supervisor=other_supervisor.user,
            worker=worker_user,
            outsider=UserFactory(username="outsider", role=Role.WORKER),
        ),
    )


@pytest.fixture
def client_for():
    """A logged-in test client for a user."""

    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> str:
    """The test database as migrations left it, serialized: see `migration_data`."""
    with django_db_blocker.unblock():
        rows = json.loads(connection.creation.serialize_db_to_string())
    # Content types and permissions are recreated by the flush itself (post_migrate), with
    # new primary keys; putting the old rows back would clash with them.
    rebuilt = ("contenttypes.", "auth.permission")
    return json.dumps([row for row in rows if not row["model"].startswith(rebuilt)])


@pytest.fixture
def migration_data(django_db_setup, django_db_blocker) -> None:
    """Put back the rows data migrations create (certification levels, cadence policy...).

    A transactional test (browser journeys, backup/restore) ends with a flush that empties
    every table, so the next one would start without them. Django's serialized_rollback
    cannot help under Playwright: its event loop gives the test different connection objects
    from the ones the database was set up with.
    """
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(django_db_setup)
