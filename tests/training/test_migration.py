"""Training moved from the supervision-logs app ("supervision_sessions") to its own app without
losing a row: rows written before the move are read after it through the new models, with the
same ids and values, and the content types (and what points at them) follow.

Runs the real migrations back and forth, on SQLite and PostgreSQL alike (whatever
DATABASE_URL names, `make test-postgres`): outside a test transaction (`transaction=True`;
migrations commit their own), and migrated back to the latest state whatever happens.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditAction, AuditEvent
from tests.factories import TraineeFactory, UserFactory
from training.models import Attendance, Enrolment, Sitting, TrainingEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # An earlier transactional test may have flushed the rows of data migrations.
    pytest.mark.usefixtures("migration_data"),
]

BEFORE_THE_MOVE = [("supervision_sessions", "0004_default_credit_policy")]
MOVED = ("trainingevent", "sitting", "enrolment", "attendance")


def _migrate(targets=None):
    """Migrate to `targets` (the latest state when None); the historical apps there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def before_the_move():
    try:
        yield _migrate(BEFORE_THE_MOVE)
    finally:
        _migrate()


@pytest.fixture
def content_type_ids():
    """The content type ids of the moved models as they are now (post_migrate's rows)."""
    models = (TrainingEvent, Sitting, Enrolment, Attendance)
    return {
        name: ContentType.objects.get_for_model(model).pk
        for name, model in zip(MOVED, models, strict=True)
    }


def test_rows_written_before_the_move_are_read_after_it(content_type_ids, before_the_move):
    old = before_the_move
    trainee = TraineeFactory()
    user = UserFactory()
    event = old.get_model("supervision_sessions", "TrainingEvent").objects.create(
        title="社区治理专题培训", kind="topic", credited_hours=Decimal("3.5"), counts_as_ce=True
    )
    sitting = old.get_model("supervision_sessions", "Sitting").objects.create(
        event=event,
        date=dt.date(2026, 6, 10),
        start_time=dt.time(9, 0),
        end_time=dt.time(12, 0),
        venue="区文化中心",
        capacity=120,
    )
    enrolment = old.get_model("supervision_sessions", "Enrolment").objects.create(
        event=event, trainee_id=trainee.pk, sitting=sitting
    )
    attendance = old.get_model("supervision_sessions", "Attendance").objects.create(
        enrolment=enrolment,
        event=event,
        sitting=sitting,
        trainee_id=trainee.pk,
        status="late",
        credited_hours=Decimal("3.5"),
        via_qr=True,
        marked_by_id=user.pk,
    )
    # Before the move the content types are the old app's: the rows created after the test
    # database was migrated were renamed back by the reverse of training 0002.
    old_ct = ContentType.objects.get(app_label="supervision_sessions", model="attendance")
    assert old_ct.pk == content_type_ids["attendance"]
    AuditEvent.objects.create(
        action=AuditAction.UPDATE,
        object_type="supervision_sessions.sitting",
        object_id=str(sitting.pk),
        changes={"status": ["缺席", "迟到"]},
    )

    _migrate()

    moved = TrainingEvent.objects.get(pk=event.pk)
    assert (moved.title, moved.kind, moved.credited_hours, moved.counts_as_ce) == (
        "社区治理专题培训",
        "topic",
        Decimal("3.5"),
        True,
    )
    s = Sitting.objects.get(pk=sitting.pk)
    assert (s.event_id, s.date, s.start_time, s.end_time, s.venue, s.capacity) == (
        event.pk,
        dt.date(2026, 6, 10),
        dt.time(9, 0),
        dt.time(12, 0),
        "区文化中心",
        120,
    )
    e = Enrolment.objects.get(pk=enrolment.pk)
    assert (e.event_id, e.trainee_id, e.sitting_id) == (event.pk, trainee.pk, sitting.pk)
    a = Attendance.objects.select_related("enrolment").get(pk=attendance.pk)
    assert (a.enrolment.pk, a.event_id, a.sitting_id, a.trainee_id) == (
        enrolment.pk,
        event.pk,
        sitting.pk,
        trainee.pk,
    )
    assert (a.status, a.credited_hours, a.via_qr, a.marked_by_id) == (
        "late",
        Decimal("3.5"),
        True,
        user.pk,
    )
    # The same content type rows, renamed; none left under the old label.
    assert {
        name: ContentType.objects.get_for_model(model).pk
        for name, model in zip(MOVED, (TrainingEvent, Sitting, Enrolment, Attendance), strict=True)
    } == content_type_ids
    assert not ContentType.objects.filter(app_label="supervision_sessions", model__in=MOVED)
    # A sitting's history still shows the change made before the move.
    assert AuditEvent.objects.filter(
        object_type="training.sitting", object_id=str(sitting.pk)
    ).exists()


def test_content_types_created_early_are_merged_into_the_old_ones(before_the_move):
    """post_migrate creates training.* content types (and their permissions) after a migrate
    that stopped between training 0001 and 0002; 0002 keeps the old rows and what points at
    the new ones follows them."""
    old_ct = ContentType.objects.get(app_label="supervision_sessions", model="sitting")
    early = ContentType.objects.create(app_label="training", model="sitting")
    early_perm = Permission.objects.create(
        content_type=early, codename="change_sitting", name="Can change sitting"
    )
    only_new = Permission.objects.create(
        content_type=early, codename="export_sitting", name="Can export sitting"
    )
    holder = UserFactory()
    holder.user_permissions.add(early_perm)
    entry = LogEntry.objects.create(
        user=holder, content_type=early, object_id="1", object_repr="场次", action_flag=CHANGE
    )

    _migrate()

    ct = ContentType.objects.get(app_label="training", model="sitting")
    assert ct.pk == old_ct.pk
    assert not ContentType.objects.filter(pk=early.pk).exists()
    entry.refresh_from_db()
    assert entry.content_type_id == old_ct.pk
    kept = Permission.objects.get(content_type=ct, codename="change_sitting")
    assert kept.pk != early_perm.pk
    assert holder.user_permissions.filter(pk=kept.pk).exists()
    assert Permission.objects.get(pk=only_new.pk).content_type_id == old_ct.pk
