"""The audit trail: edits with their diff, exports and unmaskings, history on the worker page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from certification.services import attempt_record
from tests.certification.conftest import exam, level, scores
from trainees.services import trainee_update

pytestmark = pytest.mark.django_db


def test_an_edit_records_who_changed_what_with_the_id_number_masked(world):
    worker, admin = world.worker, world.users.admin_a
    old_mobile = worker.mobile
    trainee_update(trainee=worker, actor=admin, mobile="13800001111", name="陆小燕")
    event = AuditEvent.objects.get(object_type="trainees.trainee", object_id=str(worker.pk))
    assert (event.action, event.actor, event.actor_name) == (AuditAction.UPDATE, admin, "admin_a")
    assert event.changes == {"name": ["陆晓燕", "陆小燕"], "mobile": [old_mobile, "13800001111"]}
    # Saving without a change records nothing.
    trainee_update(trainee=worker, actor=admin, mobile="13800001111")
    assert AuditEvent.objects.count() == 1


def test_id_numbers_are_masked_in_the_diff(world):
    from tests.factories import make_id_number

    worker = world.worker
    old, new = worker.id_number, make_id_number(worker.birth_date, worker.gender)
    trainee_update(trainee=worker, actor=world.users.district, id_number=new)
    change = AuditEvent.objects.get().changes["id_number"]
    # The last four characters only: the region code and birth date digits are not kept.
    assert change == ["*" * 14 + old[14:], "*" * 14 + new[14:]]


def test_an_export_records_its_filters_and_whether_it_was_unmasked(world, client_for):
    client = client_for(world.users.district)
    client.get(reverse("trainees:export", args=["csv"]), {"status": "active"})
    client.get(reverse("trainees:export", args=["csv"]), {"full_id": "1"})
    masked, full = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert masked.changes == {"filters": {"status": "active"}, "full_id_numbers": False}
    assert full.changes["full_id_numbers"] is True
    assert masked.actor == world.users.district and masked.ip == "127.0.0.1"
    # A subdistrict administrator cannot unmask by asking.
    client_for(world.users.admin_a).get(reverse("trainees:export", args=["csv"]), {"full_id": "1"})
    assert AuditEvent.objects.latest("pk").changes["full_id_numbers"] is False


def test_a_district_admin_viewing_a_full_id_number_is_logged(world, client_for):
    client_for(world.users.district).get(reverse("trainees:detail", args=[world.worker.pk]))
    client_for(world.users.admin_a).get(reverse("trainees:detail", args=[world.worker.pk]))
    unmasked = AuditEvent.objects.get(action=AuditAction.UNMASK)
    assert (unmasked.actor, unmasked.object_id) == (world.users.district, str(world.worker.pk))


def test_history_is_on_the_worker_page_for_those_who_may_see_the_worker(world, client_for):
    trainee_update(trainee=world.worker, actor=world.users.admin_a, name="陆小燕")
    attempt_record(
        trainee=world.worker,
        exam_year=exam(2024),
        level=level("assistant"),
        scores=scores("assistant", 70, 65),
        actor=world.users.admin_a,
    )
    url = reverse("trainees:detail", args=[world.worker.pk])
    page = client_for(world.users.admin_a).get(url).content.decode()
    assert "变更记录" in page and "陆晓燕 → 陆小燕" in page
    assert page.index("变更记录") > page.index("</title>")  # in the page, not the title
    assert "证书编号" in page  # the certificate the pass rule created
    for user in (world.users.admin_b, world.users.other_supervisor, world.users.outsider):
        response = client_for(user).get(url)
        assert response.status_code == 404 and "陆晓燕 → 陆小燕" not in response.content.decode()


def test_history_shows_ages_and_masked_mobiles_to_all_but_the_district(world, client_for):
    """The trail keeps a corrected birth date and mobile as they were; the worker's page shows
    them as everywhere else: an age and a masked mobile, unless the viewer is the district."""
    import datetime as dt

    from tests.factories import make_id_number

    worker = world.worker
    old_mobile = worker.mobile
    trainee_update(
        trainee=worker,
        actor=world.users.district,
        id_number=make_id_number(dt.date(1987, 3, 2), worker.gender),
        birth_date=dt.date(1987, 3, 2),
        mobile="13800001111",
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes["birth_date"] == ["1988-05-17", "1987-03-02"]
    assert event.changes["mobile"] == [old_mobile, "13800001111"]
    url = reverse("trainees:detail", args=[worker.pk])
    today = timezone.localdate()
    old_age, new_age = (
        today.year - b.year - ((today.month, today.day) < (b.month, b.day))
        for b in (dt.date(1988, 5, 17), dt.date(1987, 3, 2))
    )
    for user in (world.users.admin_a, world.users.supervisor, world.users.worker):
        history = client_for(user).get(url).content.decode().split('id="history-heading"')[1]
        assert f"年龄：{old_age}岁 → {new_age}岁" in history
        assert f"手机号：{old_mobile[:3]}****{old_mobile[7:]} → 138****1111" in history
        assert "1988" not in history and "1987" not in history and "13800001111" not in history
    history = client_for(world.users.district).get(url).content.decode()
    assert "1987-03-02" in history and "→ 13800001111" in history


EXPORTS = [
    ("certification:certified-export", "certification.certified"),
    ("certification:registration-export", "certification.registrations"),
    ("certification:ce-export", "certification.ce"),
    ("certification:pipeline-export", "certification.pipeline"),
    ("sessions:export", "sessions.logs"),
    ("supervisors:assignment-export", "supervisors.assignments"),
    ("training:hours-export", "training.hours"),
]


@pytest.mark.parametrize(("name", "what"), EXPORTS)
def test_every_export_of_personal_data_is_logged(world, client_for, name, what):
    response = client_for(world.users.admin_a).get(
        reverse(name, args=["csv"]), {"subdistrict": world.a.pk}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type) == (world.users.admin_a, what)
    assert event.changes["full_id_numbers"] is False


def test_absentee_lists_and_report_downloads_are_logged(world, client_for):
    import datetime as dt

    from django.core.files.base import ContentFile

    from reports.models import ReportRun, RunStatus
    from tests.training.conftest import make_event

    client = client_for(world.users.district)
    event = make_event()
    client.get(reverse("training:event-absentees", args=[event.pk, "csv"]))
    run = ReportRun.objects.create(
        period_kind="month",
        year=2025,
        number=6,
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 6, 30),
        as_of=dt.date(2025, 6, 30),
        status=RunStatus.DONE,
        requested_by=world.users.district,
    )
    run.file.save("r.pdf", ContentFile(b"%PDF-1.4"))
    response = client.get(reverse("reports:run-download", args=[run.pk, "pdf"]))
    assert response.status_code == 200
    absentees, download = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert (absentees.object_type, absentees.changes["filters"]) == (
        "training.absentees",
        {"event": event.pk},
    )
    assert (download.object_type, download.actor) == ("reports.run", world.users.district)
    assert download.changes["filters"] == {"run": run.pk, "format": "pdf"}
