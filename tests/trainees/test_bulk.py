"""trainees_bulk_apply (issue 16): many workers at once under the rules of trainee_create and
trainee_update, one audit event per worker created or changed, a constant number of queries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditAction, AuditEvent
from tests.factories import make_id_number
from trainees.bulk import trainees_bulk_apply
from trainees.models import CareerGrade, Trainee
from trainees.services import trainee_create, trainee_update

pytestmark = pytest.mark.django_db


def new_worker(world, **fields) -> Trainee:
    values = {
        "name": "新人",
        "birth_date": dt.date(1991, 4, 5),
        "gender": "F",
        "subdistrict": world.a,
        "neighbourhood": world.na,
        "education": "bachelor",
        "started_community_work": dt.date(2015, 7, 1),
        "joined": dt.date(2016, 3, 1),
    }
    id_gender = fields.pop("id_gender", fields.get("gender", "F"))
    values.update(fields)
    if "id_number" not in values:
        values["id_number"] = make_id_number(values["birth_date"], id_gender)
    return Trainee(**values)


def test_created_and_changed_workers_are_written_with_one_event_each(world):
    created = [new_worker(world, name=f"新人{i}") for i in range(3)]
    worker = Trainee.objects.get(pk=world.worker.pk)
    old_mobile, old_number = worker.mobile, worker.id_number
    worker.mobile = "13800001111"
    worker.id_number = make_id_number(worker.birth_date, worker.gender)
    untouched = Trainee.objects.get(pk=world.colleague.pk)

    result = trainees_bulk_apply(
        creates=created, updates=[worker, untouched], actor=world.users.district, source="名册.xlsx"
    )

    assert (result.created, result.updated, result.unchanged) == (3, 1, 1)
    assert Trainee.objects.filter(name__startswith="新人").count() == 3
    events = {e.object_id: e for e in AuditEvent.objects.filter(object_type="trainees.trainee")}
    assert set(events) == {str(t.pk) for t in created} | {str(worker.pk)}
    update = events[str(worker.pk)]
    assert update.action == AuditAction.UPDATE
    # The ID number masked as everywhere in the trail: the last four characters only.
    assert update.changes == {
        "id_number": ["*" * 14 + old_number[-4:], "*" * 14 + worker.id_number[-4:]],
        "mobile": [old_mobile, "13800001111"],
        "source": "名册.xlsx",
    }
    first = events[str(created[0].pk)]
    assert first.action == AuditAction.CREATE and first.actor == world.users.district
    assert first.changes["id_number"] == [None, "*" * 14 + created[0].id_number[-4:]]
    assert first.changes["subdistrict"] == [None, "华阳路街道"]
    stored = Trainee.objects.get(pk=worker.pk)
    assert (stored.mobile, stored.id_number) == ("13800001111", worker.id_number)


def test_the_trail_reads_as_that_of_trainee_create_and_trainee_update(world):
    """The bulk path records what the one-by-one services record, label for label."""
    grade = CareerGrade.objects.create(level=7, name="七级")
    fields = {
        "political_status": "cpc",
        "post": "deputy",
        "grade": grade,
        "major": "社会工作",
        "major_is_social_work": True,
    }
    one = trainee_create(actor=world.users.district, **vars_of(new_worker(world, **fields)))
    bulk = new_worker(world, **fields)
    trainees_bulk_apply(creates=[bulk], updates=[], actor=world.users.district)
    created = AuditEvent.objects.filter(action=AuditAction.CREATE).order_by("pk")
    assert without_id(created[0].changes) == without_id(created[1].changes)

    edits = {
        "name": "改名",
        "mobile": "13800001111",
        "neighbourhood": None,
        "post": "member",
        "grade": None,
        "education": "master",
        "joined": dt.date(2016, 4, 1),
    }
    trainee_update(trainee=Trainee.objects.get(pk=one.pk), actor=world.users.district, **edits)
    loaded = Trainee.objects.get(pk=bulk.pk)
    for key, value in edits.items():
        setattr(loaded, key, value)
    trainees_bulk_apply(creates=[], updates=[loaded], actor=world.users.district)
    updated = AuditEvent.objects.filter(action=AuditAction.UPDATE).order_by("pk")
    assert len(updated[0].changes) == 7
    assert updated[0].changes == updated[1].changes


def vars_of(trainee: Trainee) -> dict:
    fields = ("name", "gender", "birth_date", "id_number", "subdistrict", "neighbourhood")
    more = ("political_status", "post", "grade", "education", "major", "major_is_social_work")
    dates = ("started_community_work", "joined")
    return {name: getattr(trainee, name) for name in (*fields, *more, *dates)}


def without_id(changes: dict) -> dict:
    return {k: v for k, v in changes.items() if k != "id_number"}


@pytest.mark.parametrize(
    ("fields", "fired"),
    [
        ({"gender": "M", "id_gender": "F"}, "性别与身份证号不一致"),
        ({"mobile": "1391234567"}, "手机号应为以1开头的11位数字"),
        ({"joined": dt.date(2014, 1, 1)}, "入职日期不能早于从事社区工作日期"),
        ({"status": "left"}, "须填写离职日期"),
        ({"education": "college"}, "不是有效选项"),  # clean_fields: not one of the choices
    ],
)
def test_a_worker_breaking_a_rule_of_the_services_stops_the_whole_batch(world, fields, fired):
    good, bad = new_worker(world, name="合规"), new_worker(world, name="违规", **fields)
    count = Trainee.objects.count()
    with pytest.raises(ValidationError) as refused:
        trainees_bulk_apply(creates=[good, bad], updates=[], actor=world.users.district)
    assert fired in refused.value.messages[0] and "违规" in refused.value.messages[0]
    assert Trainee.objects.count() == count and not AuditEvent.objects.exists()


def test_an_id_number_held_or_given_twice_is_refused(world):
    held = new_worker(world, id_number=world.worker.id_number, birth_date=world.worker.birth_date)
    with pytest.raises(ValidationError, match="已登记在系统中"):
        trainees_bulk_apply(creates=[held], updates=[], actor=world.users.district)
    twice = make_id_number(dt.date(1991, 4, 5))
    with pytest.raises(ValidationError, match="1 名社区工作者不符合规则"):
        trainees_bulk_apply(
            creates=[new_worker(world, id_number=twice), new_worker(world, id_number=twice)],
            updates=[],
            actor=world.users.district,
        )


def test_a_worker_changed_by_someone_else_since_it_was_loaded_is_not_overwritten(world):
    stale = Trainee.objects.get(pk=world.worker.pk)
    trainee_update(trainee=world.worker, actor=world.users.admin_a, name="陆小燕")
    stale.mobile = "13800001111"
    with pytest.raises(ValidationError, match="在读取之后被修改"):
        trainees_bulk_apply(creates=[], updates=[stale], actor=world.users.district)
    assert Trainee.objects.get(pk=world.worker.pk).name == "陆小燕"


def test_the_scope_of_a_subdistrict_administrator_holds(world):
    other = Trainee.objects.get(pk=world.worker_b.pk)
    other.mobile = "13800001111"
    with pytest.raises(PermissionDenied):
        trainees_bulk_apply(creates=[], updates=[other], actor=world.users.admin_a)
    with pytest.raises(ValidationError, match="只能管理本街道"):
        trainees_bulk_apply(
            creates=[new_worker(world, subdistrict=world.b, neighbourhood=world.nb)],
            updates=[],
            actor=world.users.admin_a,
        )
    with pytest.raises(PermissionDenied):
        trainees_bulk_apply(creates=[new_worker(world)], updates=[], actor=world.users.leader)


# Both sizes fit one INSERT on SQLite, which splits a bulk insert at 999 parameters (about 40
# workers): what must not grow is a query per worker.
@pytest.mark.parametrize("n", [5, 40])
def test_queries_do_not_grow_with_the_number_of_workers(world, n, django_assert_max_num_queries):
    creates = [new_worker(world, name=f"新人{i}") for i in range(n)]
    updates = list(Trainee.objects.filter(subdistrict=world.a))
    for trainee in updates:
        trainee.mobile = "13800001111"
    # Savepoint and release; the rows before (locked); subdistricts, grades, committees of the
    # rows before; the ID numbers held; insert the workers, then their first periods (history);
    # update them, then their updated_at; insert the events; drop the rate snapshots from the
    # new periods' first day (certification/snapshots.py hears `periods_changed`).
    with django_assert_max_num_queries(13):
        trainees_bulk_apply(creates=creates, updates=updates, actor=world.users.district)
    assert AuditEvent.objects.count() == n + len(updates)
