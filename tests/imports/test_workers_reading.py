"""The roster import reads what offices really write (issue 16): the common spellings of posts,
education and political status as synonyms the district edits, a roster with only one of the
two dates, and every error of a row in one preview."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEvent
from imports.models import ImportRun, Synonym
from imports.services import import_apply, import_preview
from trainees.models import Trainee
from trainees.pii import id_number_hash

from .conftest import make_id_number, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _preview(world, headers, *rows, actor=None):
    return import_preview(
        kind="workers",
        file=upload(xlsx_bytes([headers, *rows])),
        actor=actor or world.users.district,
    )


def _stored(row: list, headers: list[str]) -> Trainee:
    return Trainee.objects.get(id_number_hash=id_number_hash(row[headers.index("身份证号")]))


# --- synonyms -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "written", "field", "code"),
    [
        ("岗位", "居委会委员", "post", "member"),
        ("岗位", "居委会副主任", "post", "deputy"),
        ("岗位", "书记", "post", "secretary"),
        ("岗位", "主任", "post", "director"),
        ("学历", "大学本科", "education", "bachelor"),
        ("学历", "专科", "education", "junior_college"),
        ("学历", "研究生", "education", "master"),
        ("政治面貌", "党员", "political_status", "cpc"),
        ("政治面貌", "预备党员", "political_status", "cpc_probationary"),
        ("政治面貌", "团员", "political_status", "cyl"),
        ("政治面貌", "群众", "political_status", "masses"),
    ],
)
def test_the_spellings_offices_write_are_read_as_dudao_s_choices(
    world, headers, column, written, field, code
):
    row = roster_row(**{column: written})
    run = import_apply(run=_preview(world, headers, row), actor=world.users.district)
    assert (run.status, run.errors) == (ImportRun.Status.APPLIED, [])
    assert getattr(_stored(row, headers), field) == code


def test_a_synonym_the_district_adds_in_the_admin_is_accepted_by_the_next_import(
    world, headers, client_for
):
    row = roster_row(**{"岗位": "网格长"})
    refused = _preview(world, headers, row)
    assert [(e["column"], e["value"]) for e in refused.errors] == [("岗位", "网格长")]

    admin = client_for(world.users.district)
    response = admin.post(
        reverse("admin:imports_synonym_add"),
        {"column": "post", "spelling": "网格长", "value": "member"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    # The change is in the trail: it changes how every later file is read.
    event = AuditEvent.objects.get(object_type="imports.synonym")
    assert (event.action, event.actor) == (AuditAction.CREATE, world.users.district)

    run = import_apply(run=_preview(world, headers, row), actor=world.users.district)
    assert (run.status, run.errors) == (ImportRun.Status.APPLIED, [])
    assert _stored(row, headers).post == "member"


def test_a_seeded_synonym_the_district_removes_is_no_longer_read(world, headers):
    Synonym.objects.filter(column="post", spelling="居委会委员").delete()
    run = _preview(world, headers, roster_row(**{"岗位": "居委会委员"}))
    (error,) = run.errors
    assert error["column"] == "岗位" and "委员" in error["message"]


def test_a_synonym_may_not_redefine_a_label_or_name_another_column_s_choice(world):
    with pytest.raises(ValidationError) as relabel:
        Synonym(column="post", spelling=" 委员 ", value="general").full_clean()
    assert "已是选项" in relabel.value.message_dict["spelling"][0]
    with pytest.raises(ValidationError) as elsewhere:
        Synonym(column="post", spelling="硕士学位", value="master").full_clean()
    assert list(elsewhere.value.message_dict) == ["value"]
    # Spelled differently only in width or spacing: the import would read them as one.
    with pytest.raises(ValidationError) as twice:
        Synonym(column="post", spelling="居委会 委员", value="member").full_clean()
    assert "同一列已有" in twice.value.message_dict["spelling"][0]


# --- one date stands in for the other -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kept", "dropped", "field_kept", "field_filled"),
    [
        ("入职日期", "从事社区工作日期", "joined", "started_community_work"),
        ("从事社区工作日期", "入职日期", "started_community_work", "joined"),
    ],
)
def test_a_roster_with_one_of_the_two_dates_takes_the_other_from_it_with_a_warning(
    world, headers, client_for, kept, dropped, field_kept, field_filled
):
    worker = world.worker
    recorded = getattr(worker, field_filled)
    new = roster_row(**{kept: dt.date(2018, 9, 1)})
    existing = roster_row(
        name=worker.name,
        id_number=worker.id_number,
        birth=worker.birth_date,
        **{kept: getattr(worker, field_kept), "手机号": "13800002222"},
    )
    cut = headers.index(dropped)
    run = _preview(
        world,
        [h for i, h in enumerate(headers) if i != cut],
        *[[v for i, v in enumerate(r) if i != cut] for r in (new, existing)],
    )

    assert (run.error_count, run.new_count, run.changed_count) == (0, 1, 1), run.errors
    assert run.can_apply  # a warning does not block the apply
    (warning,) = run.warnings
    assert (warning["row"], warning["column"], warning["code"]) == (1, dropped, "stand_in")
    assert kept in warning["message"] and "1 名新增人员" in warning["message"]

    client = client_for(world.users.district)
    page = client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert 'id="warnings-title"' in page and 'id="errors-title"' not in page
    assert warning["message"] in page
    report = load_workbook(
        io.BytesIO(client.get(reverse("imports:run-errors", args=[run.pk])).content)
    ).active
    assert [c.value for c in report[2]] == [
        "名册",
        1,
        dropped,
        None,
        warning["message"],
        "提示",
    ]

    run = import_apply(run=run, actor=world.users.district)
    assert run.status == ImportRun.Status.APPLIED and len(run.warnings) == 1
    assert getattr(_stored(new, headers), field_filled) == dt.date(2018, 9, 1)
    worker.refresh_from_db()
    # An existing worker keeps the date on record rather than a guess.
    assert (getattr(worker, field_filled), worker.mobile) == (recorded, "13800002222")


def test_a_roster_without_either_date_names_both_as_missing(world, headers):
    cut = {headers.index("入职日期"), headers.index("从事社区工作日期")}
    row = roster_row()
    run = _preview(
        world,
        [h for i, h in enumerate(headers) if i not in cut],
        [v for i, v in enumerate(row) if i not in cut],
    )
    (error,) = run.errors
    assert error["code"] == "missing_column"
    assert "从事社区工作日期" in error["message"] and "入职日期" in error["message"]
    assert run.warnings == []


# --- every error at once --------------------------------------------------------------------------


def test_one_preview_reports_every_error_of_a_row(world, headers):
    male = make_id_number(dt.date(1990, 5, 17), "M")
    row = roster_row(
        id_number=male,  # the ID number says a man; the row says 女: a rule
        **{
            "手机号": "1391234567",  # ten digits: a rule, checked with the others
            "入职日期": "2016-02-30",  # no such day: a cell that cannot be read
        },
    )
    run = _preview(world, headers, row)

    found = {(e["row"], e["column"]) for e in run.errors}
    assert found == {(2, "性别"), (2, "手机号"), (2, "入职日期")}
    assert run.error_count == 3 and not run.can_apply
    # In the order of the columns, as the person fixing the file reads them.
    assert [e["column"] for e in run.errors] == ["性别", "手机号", "入职日期"]


def test_a_rule_that_reads_an_unreadable_cell_is_left_out(world, headers):
    # The status cannot be read, so "only people who left have a date left" would be a guess.
    row = roster_row(**{"状态": "离开", "离职日期": dt.date(2025, 1, 1)})
    run = _preview(world, headers, row)
    assert [(e["column"], e["value"]) for e in run.errors] == [("状态", "离开")]


# --- through the trainees bulk service ------------------------------------------------------------


def test_an_applied_roster_leaves_one_audit_event_per_worker_created_or_changed(world, headers):
    worker, colleague = world.worker, world.colleague
    new = [roster_row(name="新人甲"), roster_row(name="新人乙", gender="M")]
    changed = roster_row(
        name=worker.name,
        id_number=worker.id_number,
        birth=worker.birth_date,
        **{
            "手机号": "13800001111",
            "专业": worker.major,
            "社会工作专业": "否",
            "从事社区工作日期": worker.started_community_work,
            "入职日期": worker.joined,
        },
    )
    old_mobile = worker.mobile
    unchanged = roster_row(
        name=colleague.name,
        gender=colleague.gender,
        id_number=colleague.id_number,
        birth=colleague.birth_date,
        committee=colleague.neighbourhood.name,
        **{
            "手机号": colleague.mobile,
            "学历": colleague.get_education_display(),
            "专业": colleague.major,
            "社会工作专业": "是" if colleague.major_is_social_work else "否",
            "从事社区工作日期": colleague.started_community_work,
            "入职日期": colleague.joined,
        },
    )
    run = _preview(world, headers, *new, changed, unchanged)
    assert (run.new_count, run.changed_count, run.unchanged_count) == (2, 1, 1), run.errors

    run = import_apply(run=run, actor=world.users.district)

    assert run.status == ImportRun.Status.APPLIED
    events = AuditEvent.objects.filter(object_type="trainees.trainee").order_by("pk")
    assert [(e.action, e.object_id) for e in events] == [
        (AuditAction.UPDATE, str(worker.pk)),
        *[(AuditAction.CREATE, str(_stored(r, headers).pk)) for r in new],
    ]
    update, created, _second = events
    assert update.actor == world.users.district
    assert update.changes == {
        "mobile": [old_mobile, "13800001111"],
        "source": "导入：roster.xlsx",
    }
    number = new[0][headers.index("身份证号")]
    assert created.changes["id_number"] == [None, "*" * 14 + number[-4:]]
    assert created.changes["name"] == [None, "新人甲"]
    assert created.changes["neighbourhood"] == [None, "华一居委会"]
    assert number not in str(list(events.values_list("changes", flat=True)))
