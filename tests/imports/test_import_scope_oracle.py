"""A subdistrict administrator's dry run is no oracle for whether an ID number is registered
(issue 15, part 5).

It used to answer "该身份证号已登记在系统中" for a worker of another subdistrict. Now a row that
would touch a record outside the actor's scope gets one answer for the whole row, naming
neither the number, nor its column, nor the record, nor that anything is registered.

What remains, and cannot go while ID numbers are unique: in a row for the administrator's own
subdistrict, a number nobody holds is accepted as a new worker and a number held in another
subdistrict is refused. The refusal says only that the row conflicts with something outside
the user's scope; pinned below so that a change to it is a decision.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from imports.kinds.workers import out_of_scope_message
from imports.services import import_preview
from trainees.exports import roster_headers

from .conftest import make_id_number, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

CONFIRMING = ("登记", "已存在", "已有", "系统中", "重复", "registered", "exists")
DIGITS = re.compile(r"\d{8,}")


def _preview(world, actor, *rows):
    return import_preview(
        kind="workers",
        file=upload(xlsx_bytes([roster_headers(), *rows]), name="名单.xlsx"),
        actor=actor,
    )


def _row_of(worker, **overrides) -> list:
    return roster_row(name="某人", birth=worker.birth_date, id_number=worker.id_number, **overrides)


def test_a_worker_of_another_subdistrict_gets_a_neutral_answer(world, client_for):
    other = world.worker_b  # 新泾镇
    run = _preview(world, world.users.admin_a, _row_of(other, gender=other.gender))

    (error,) = run.errors
    assert error["message"] == out_of_scope_message()
    assert error["column"] == "" and error["value"] == ""
    for text in (error["message"], str(run.errors), run.message):
        assert other.id_number not in text and other.id_number[-6:] not in text
        assert not DIGITS.search(text)
        assert not any(word in text for word in CONFIRMING), text
        assert other.name not in text and "新泾" not in text
    assert (run.new_count, run.changed_count, run.unchanged_count) == (0, 0, 0)

    page = client_for(world.users.admin_a).get(reverse("imports:run-detail", args=[run.pk]))
    html = page.content.decode()
    assert "管辖范围以外" in html
    assert other.id_number not in html and other.name not in html
    assert "已登记" not in html


def test_a_row_naming_another_subdistrict_gets_the_same_answer_registered_or_not(world):
    registered = _row_of(world.worker_b, subdistrict="新泾镇", committee="新泾一村居委会")
    unknown_birth = dt.date(1992, 3, 4)
    unknown = roster_row(
        name="某人",
        birth=unknown_birth,
        id_number=make_id_number(unknown_birth),
        subdistrict="新泾镇",
        committee="新泾一村居委会",
    )
    answers = []
    for row in (registered, unknown):
        run = _preview(world, world.users.admin_a, row)
        answers.append([(e["column"], e["message"]) for e in run.errors])
    assert (
        answers[0]
        == answers[1]
        == [("街道（镇）", "只能导入本街道（镇）（华阳路街道）的社区工作者，此行为“新泾镇”。")]
    )


def test_the_district_updates_the_same_row_and_the_subdistrict_its_own_workers(world):
    row = _row_of(
        world.worker_b,
        subdistrict="新泾镇",
        committee="新泾一村居委会",
        gender=world.worker_b.gender,
    )
    run = _preview(world, world.users.district, row)
    assert run.error_count == 0 and run.changed_count + run.unchanged_count == 1
    own = _row_of(world.worker, gender=world.worker.gender)
    run = _preview(world, world.users.admin_a, own)
    assert run.error_count == 0 and run.changed_count + run.unchanged_count == 1


def test_the_residual_signal_is_only_accepted_or_refused(world):
    """A free number in one's own subdistrict is a new worker; one held elsewhere is refused,
    in the words above. Nothing else differs."""
    birth = dt.date(1993, 6, 7)
    free = _preview(
        world, world.users.admin_a, roster_row(birth=birth, id_number=make_id_number(birth))
    )
    held = _preview(world, world.users.admin_a, _row_of(world.worker_b))
    assert (free.new_count, free.error_count) == (1, 0)
    assert (held.new_count, held.error_count) == (0, 1)
    assert [e["message"] for e in held.errors] == [out_of_scope_message()]
