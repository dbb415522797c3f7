"""The pages of a worker's dated history (issue 12, item 1): 办理变动 records a change with its
date, reason and document number (文号); the worker's page shows it in the timeline and the 履历
table; the personnel file (人员档案) prints it, masked as the viewer may see it."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from reports.timeline import history_entries
from tests.certification.test_registration import attend
from tests.factories import NeighbourhoodFactory
from tests.reports.conftest import log
from trainees.history import history_change
from trainees.identity import id_number_mask
from trainees.models import (
    CareerGrade,
    ChangeKind,
    EmploymentState,
    TraineeStatus,
    WorkerPeriod,
)

pytestmark = pytest.mark.django_db

DOCUMENT = "长华民〔2026〕12号"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def change_url(trainee) -> str:
    return reverse("trainees:change", args=[trainee.pk])


def history(trainee) -> list[tuple]:
    return list(
        WorkerPeriod.objects.filter(trainee=trainee)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on", "neighbourhood__name", "state")
    )


def compact(text: str) -> str:
    """Text without any white space: a PDF's table cells wrap wherever the column ends."""
    return "".join(text.split())


@pytest.fixture
def second_committee(world):
    return NeighbourhoodFactory(name="华二居委会", subdistrict=world.a)


def transfer(world, client, committee, day: dt.date, **extra):
    return client.post(
        change_url(world.worker),
        {
            "kind": ChangeKind.TRANSFER,
            "effective_on": day.isoformat(),
            "subdistrict": world.a.pk,
            "neighbourhood": committee.pk,
            **extra,
        },
    )


def test_the_change_form_records_a_transfer_that_the_page_then_shows(
    world, client_for, second_committee
):
    client = client_for(world.users.admin_a)
    assert client.get(change_url(world.worker)).status_code == 200
    day = days_ago(10)
    response = transfer(
        world, client, second_committee, day, reason="工作需要", document_no=DOCUMENT
    )
    assert response.status_code == 302
    assert history(world.worker) == [
        (dt.date(2015, 3, 1), day - dt.timedelta(days=1), "华一居委会", EmploymentState.ON_DUTY),
        (day, None, "华二居委会", EmploymentState.ON_DUTY),
    ]

    page = client.get(reverse("trainees:detail", args=[world.worker.pk]))
    assert page.context["timeline"][0].kind == "transfer"
    entry = page.context["timeline"][0]
    assert (entry.day, entry.document_no, entry.reason) == (day, DOCUMENT, "工作需要")
    text = page.content.decode()
    timeline = text[text.index('id="timeline-title"') :]
    assert "华阳路街道 · 华一居委会 → 华阳路街道 · 华二居委会" in timeline
    assert f"文号：{DOCUMENT}" in timeline and "原因：工作需要" in timeline
    assert f"{day.year}年{day.month}月{day.day}日" in timeline
    table = text[text.index('id="periods-title"') : text.index('id="assign-title"')]
    before = day - dt.timedelta(days=1)
    assert f"2015年3月1日 – {before.year}年{before.month}月{before.day}日" in table
    assert f"{day.year}年{day.month}月{day.day}日 – 至今" in table
    assert table.index("华一居委会") < table.index("华二居委会")


def test_the_worker_page_offers_the_change_only_to_who_may_make_it(world, client_for):
    url = reverse("trainees:detail", args=[world.worker.pk])
    admin_page = client_for(world.users.admin_a).get(url).content.decode()
    assert change_url(world.worker) in admin_page
    for persona in ("worker", "supervisor", "leader"):
        page = client_for(getattr(world.users, persona)).get(url).content.decode()
        assert change_url(world.worker) not in page
        # Everyone who sees the page may print the file.
        assert reverse("trainees:file-pdf", args=[world.worker.pk]) in page


def test_a_subdistrict_office_is_told_beside_the_date_that_a_correction_is_the_districts(
    world, client_for, second_committee
):
    response = transfer(
        world, client_for(world.users.admin_a), second_committee, days_ago(90), reason="补登"
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "须由区管理员办理" in " ".join(errors["effective_on"])
    # Shown in place: inside the date's own field.
    text = response.content.decode()
    field = text[text.index('for="id_effective_on"') : text.index('for="id_subdistrict"')]
    assert "须由区管理员办理" in field
    assert len(history(world.worker)) == 1


def test_a_district_correction_needs_a_reason(world, client_for, second_committee):
    client = client_for(world.users.district)
    response = transfer(world, client, second_committee, days_ago(90))
    assert response.status_code == 200
    assert "须填写原因" in " ".join(response.context["form"].errors["reason"])
    assert len(history(world.worker)) == 1

    response = transfer(world, client, second_committee, days_ago(90), reason="补登调动")
    assert response.status_code == 302
    assert history(world.worker)[-1][2:] == ("华二居委会", EmploymentState.ON_DUTY)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("worker", 403), ("supervisor", 403), ("leader", 403), ("admin_b", 404), ("outsider", 404)],
)
def test_who_may_not_change_the_history_is_refused(
    world, client_for, second_committee, persona, status
):
    client = client_for(getattr(world.users, persona))
    assert client.get(change_url(world.worker)).status_code == status
    response = transfer(world, client, second_committee, days_ago(1), reason="篡改")
    assert response.status_code == status
    assert len(history(world.worker)) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": ChangeKind.RETURN}, "kind", "不能办理“返岗”"),
        ({"kind": ChangeKind.REHIRED}, "kind", "不能办理“再次入职”"),
        ({"kind": ChangeKind.LEAVE}, "leave_kind", "请选择休假类别"),
        ({"kind": ChangeKind.POST, "post": ""}, "post", "请选择新的岗位"),
        ({"kind": ChangeKind.GRADE}, "grade", "请选择新的岗位等级"),
        ({"kind": ChangeKind.TRANSFER, "subdistrict": ""}, "subdistrict", "请选择调往"),
        ({"kind": "joined"}, "kind", ""),
        ({"kind": ChangeKind.SECONDMENT, "effective_on": "2026-02-30"}, "effective_on", ""),
        (
            {"kind": ChangeKind.SECONDMENT, "effective_on": "1900-01-01"},
            "effective_on",
            "须由区管理员",
        ),
        ({"kind": ChangeKind.SECONDMENT, "effective_on": "9999-12-31"}, "effective_on", "一年以后"),
        ({"kind": ChangeKind.TRANSFER, "neighbourhood": "999999"}, "neighbourhood", ""),
        ({"kind": ChangeKind.LEAVE, "leave_kind": "holiday"}, "leave_kind", ""),
    ],
)
def test_an_impossible_change_is_an_error_in_place_never_a_500(
    world, client_for, data, field, message
):
    post = {"effective_on": days_ago(3).isoformat(), "reason": "测试", **data}
    response = client_for(world.users.admin_a).post(change_url(world.worker), post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert len(history(world.worker)) == 1


def test_the_same_placement_again_is_said_at_the_top(world, client_for):
    response = client_for(world.users.admin_a).post(
        change_url(world.worker),
        {
            "kind": ChangeKind.TRANSFER,
            "effective_on": days_ago(3).isoformat(),
            "subdistrict": world.a.pk,
            "neighbourhood": world.na.pk,
        },
    )
    assert response.status_code == 200
    assert "没有需要登记的变动" in " ".join(response.context["form"].non_field_errors())


def test_a_committee_of_another_subdistrict_is_refused_beside_it(world, client_for):
    response = client_for(world.users.district).post(
        change_url(world.worker),
        {
            "kind": ChangeKind.TRANSFER,
            "effective_on": days_ago(3).isoformat(),
            "subdistrict": world.a.pk,
            "neighbourhood": world.nb.pk,
        },
    )
    assert response.status_code == 200
    assert "不属于所选街道" in " ".join(response.context["form"].errors["neighbourhood"])


def test_leave_and_return_show_as_a_stretch_with_its_kind(world, client_for):
    client = client_for(world.users.admin_a)
    url = change_url(world.worker)
    start, back = days_ago(20), days_ago(5)
    assert (
        client.post(
            url, {"kind": "leave", "effective_on": start.isoformat(), "leave_kind": "maternity"}
        ).status_code
        == 302
    )
    assert client.post(url, {"kind": "return", "effective_on": back.isoformat()}).status_code == 302
    timeline = client.get(reverse("trainees:detail", args=[world.worker.pk])).context["timeline"]
    leave = next(e for e in timeline if e.kind == "leave")
    assert (leave.day, leave.ends_on, leave.is_period) == (start, back - dt.timedelta(days=1), True)
    assert "产假" in leave.what
    returned = next(e for e in timeline if e.kind == "return")
    assert returned.day == back and "结束休假（产假）" in returned.what


def test_mark_left_takes_retirement_a_reason_and_a_document(world, client_for):
    client = client_for(world.users.admin_a)
    day = days_ago(2)
    response = client.post(
        reverse("trainees:mark-left", args=[world.worker.pk]),
        {
            "kind": "retired",
            "left_on": day.isoformat(),
            "reason": "到龄退休",
            "document_no": DOCUMENT,
        },
    )
    assert response.status_code == 302
    last = WorkerPeriod.objects.filter(trainee=world.worker).order_by("starts_on").last()
    assert (last.starts_on, last.state, last.change) == (day, "retired", "retired")
    assert (last.reason, last.document_no) == ("到龄退休", DOCUMENT)
    world.worker.refresh_from_db()
    assert world.worker.status == TraineeStatus.LEFT
    timeline = client.get(reverse("trainees:detail", args=[world.worker.pk])).context["timeline"]
    assert (timeline[0].kind, timeline[0].label) == ("retired", "退休")


def test_mark_left_shows_the_offices_limit_beside_the_date(world, client_for):
    response = client_for(world.users.admin_a).post(
        reverse("trainees:mark-left", args=[world.worker.pk]),
        {"left_on": days_ago(90).isoformat()},
    )
    assert response.status_code == 200
    assert "须由区管理员办理" in " ".join(response.context["form"].errors["left_on"])


def test_a_status_change_the_history_refuses_is_a_message_not_a_500(world, client_for):
    # A leave already recorded from next week: putting the worker on leave today would date a
    # change before the latest one, a correction for the district.
    client = client_for(world.users.admin_a)
    ahead = timezone.localdate() + dt.timedelta(days=7)
    client.post(
        change_url(world.worker),
        {"kind": "secondment", "effective_on": ahead.isoformat()},
    )
    response = client.post(
        reverse("trainees:status", args=[world.worker.pk]), {"status": "on_leave"}, follow=True
    )
    assert response.status_code == 200
    assert "须由区管理员办理" in response.content.decode()


def test_a_change_no_office_named_is_told_by_what_changed(world):
    """Rows of a roster import or of the migration carry no kind of their own."""

    def period(start, end, state, committee, change):
        return WorkerPeriod(
            trainee=world.worker,
            starts_on=start,
            ends_on=end,
            subdistrict=committee.subdistrict,
            neighbourhood=committee,
            post="general",
            state=state,
            change=change,
        )

    periods = [
        period(dt.date(2015, 3, 1), dt.date(2019, 12, 31), "on_duty", world.na, "migrated"),
        period(dt.date(2020, 1, 1), dt.date(2021, 12, 31), "on_duty", world.nb, "import"),
        period(dt.date(2022, 1, 1), None, "left", world.nb, "import"),
    ]
    entries = history_entries(periods)
    assert [(e.kind, e.label) for e in entries] == [
        ("joined", "入职"),
        ("transfer", "调动"),
        ("left", "离职"),
    ]
    assert entries[1].what == "华阳路街道 · 华一居委会 → 新泾镇 · 新泾一村居委会"
    assert entries[2].what == "原单位：新泾镇 · 新泾一村居委会"


# --- the personnel file ------------------------------------------------------------------------

needs_pdftotext = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils not installed"
)


def pdf_text(response) -> str:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=body, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


@needs_pdftotext
def test_the_personnel_file_prints_the_history_masked_for_a_subdistrict_office(
    world, client_for, second_committee
):
    client = client_for(world.users.admin_a)
    day = days_ago(10)
    transfer(world, client, second_committee, day, reason="工作需要", document_no=DOCUMENT)
    response = client.get(reverse("trainees:file-pdf", args=[world.worker.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = compact(pdf_text(response))
    assert "陆晓燕" in text and "人员档案" in text
    assert compact(f"调动；文号 {DOCUMENT}；原因 工作需要") in text
    assert "华阳路街道·华二居委会" in text and "华阳路街道·华一居委会" in text
    assert f"{day.year}年{day.month}月{day.day}日" in text
    number = world.worker.id_number
    assert id_number_mask(number) in text
    assert number not in text and number[6:14] not in text
    assert "1988年5月17日" not in text  # the birth date is digits 7–14 of the number
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="trainees.personnel-file")
    assert event.actor == world.users.admin_a
    assert event.changes["full_id_numbers"] is False


@needs_pdftotext
def test_the_district_prints_the_full_number_and_the_print_is_in_the_trail(world, client_for):
    response = client_for(world.users.district).get(
        reverse("trainees:file-pdf", args=[world.worker.pk])
    )
    assert world.worker.id_number in compact(pdf_text(response))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="trainees.personnel-file")
    assert event.changes["full_id_numbers"] is True


@pytest.mark.parametrize("persona", ["admin_b", "other_supervisor", "outsider"])
def test_the_file_of_a_worker_out_of_scope_does_not_exist(world, client_for, persona):
    response = client_for(getattr(world.users, persona)).get(
        reverse("trainees:file-pdf", args=[world.worker.pk])
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(object_type="trainees.personnel-file").exists()


@pytest.mark.parametrize("extra", [1, 8])
def test_the_file_takes_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, extra
):
    for i in range(extra):
        history_change(
            trainee=world.worker,
            actor=world.users.district,
            kind=ChangeKind.GRADE,
            effective_on=dt.date(2016, 1, 1) + dt.timedelta(days=40 * i),
            grade=CareerGrade.objects.get_or_create(level=i + 1, defaults={"name": f"{i + 1}级"})[
                0
            ],
            reason="补登",
        )
        attend(world.worker, dt.date(2023, 4, 10) + dt.timedelta(days=i), "2")
        log(world.supervisor, "mentor", dt.date(2025, 6, 2) + dt.timedelta(days=i), [world.worker])
    client = client_for(world.users.admin_a)
    # 11 at both sizes: session, user, the worker; periods, certificates, registrations,
    # training count and hours, training rows, pairings, sessions by mode; the audit event.
    with django_assert_max_num_queries(11):
        assert client.get(reverse("trainees:file-pdf", args=[world.worker.pk])).status_code == 200
