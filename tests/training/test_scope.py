"""Who sees what: A's administrator never sees B's attendance; a worker sees only their own;
supervisors read their trainees' rows; leadership reads everything and changes nothing."""

import pytest
from django.urls import reverse

from training.models import AttendanceStatus
from training.services import attendance_mark

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(world, training):
    attendance_mark(
        sitting=training.sitting,
        actor=world.users.district,
        marks={
            training.e_worker.pk: AttendanceStatus.PRESENT,
            training.e_colleague.pk: AttendanceStatus.ABSENT,
            training.e_b.pk: AttendanceStatus.ABSENT,
        },
    )
    attendance_mark(
        sitting=training.b_sitting,
        actor=world.users.admin_b,
        marks={training.b_enrolment.pk: AttendanceStatus.LATE},
    )
    return training


def _names(response, key="page") -> list[str]:
    return [e.trainee.name for e in response.context[key]]


def test_admin_a_sees_only_a_rows_and_not_b_events(world, marked, client_for):
    client = client_for(world.users.admin_a)
    listing = client.get(reverse("training:event-list")).content.decode()
    assert "全员培训" in listing and "新泾镇月度培训" not in listing
    enrolments = client.get(reverse("training:enrolment-list", args=[marked.event.pk]))
    assert sorted(_names(enrolments)) == ["陆晓燕", "顾建国"]
    figures = client.get(reverse("training:event-figures", args=[marked.event.pk]))
    assert figures.context["total"]["enrolled"] == 2
    assert [e.trainee.name for e in figures.context["absentees"]] == ["顾建国"]
    export = client.get(reverse("training:event-absentees", args=[marked.event.pk, "csv"]))
    assert "沈丽华" not in export.content.decode("utf-8-sig")
    for name in ("event-detail", "event-figures", "enrolment-list"):
        assert client.get(reverse(f"training:{name}", args=[marked.b_event.pk])).status_code == 404
    for name in ("sitting-mark", "sitting-board", "sitting-sheet", "sitting-screen"):
        assert (
            client.get(reverse(f"training:{name}", args=[marked.b_sitting.pk])).status_code == 404
        )


def test_absentee_lists_mask_mobiles_for_all_but_the_district(world, marked, client_for):
    """HR calls absentees from this list; only the district gets the whole number (issue 15)."""
    mobile = world.colleague.mobile
    url = reverse("training:event-absentees", args=[marked.event.pk, "csv"])
    for user in (world.users.admin_a, world.users.supervisor, world.users.leader):
        export = client_for(user).get(url).content.decode("utf-8-sig")
        if "顾建国" in export:
            assert mobile not in export and f"{mobile[:3]}****{mobile[7:]}" in export
    assert "顾建国" in client_for(world.users.admin_a).get(url).content.decode("utf-8-sig")
    assert mobile in client_for(world.users.district).get(url).content.decode("utf-8-sig")


def test_admin_a_cannot_change_b_enrolments(world, marked, client_for):
    client = client_for(world.users.admin_a)
    move = client.post(
        reverse("training:enrolment-move", args=[marked.b_enrolment.pk]),
        {"sitting": marked.b_sitting.pk},
    )
    assert move.status_code == 404
    enrol = client.post(
        reverse("training:event-enrol", args=[marked.b_event.pk]), {"rule": "all_active"}
    )
    assert enrol.status_code == 404
    # The district's event is visible to A but managed by the district only.
    edit = client.post(
        reverse("training:event-enrol", args=[marked.event.pk]), {"rule": "all_active"}
    )
    assert edit.status_code == 403


def test_a_worker_sees_only_their_own(world, marked, client_for):
    client = client_for(world.users.worker)
    mine = client.get(reverse("training:mine"))
    assert [e.trainee.name for e in mine.context["enrolments"]] == ["陆晓燕"]
    page = mine.content.decode()
    assert "全员培训" in page and "新泾镇月度培训" not in page
    assert client.get(reverse("training:event-detail", args=[marked.b_event.pk])).status_code == 404
    listing = client.get(reverse("training:enrolment-list", args=[marked.event.pk]))
    assert _names(listing) == ["陆晓燕"]
    assert client.get(reverse("training:event-figures", args=[marked.event.pk])).status_code == 403
    assert client.get(reverse("training:hours")).status_code == 302
    outsider = client_for(world.users.outsider)
    assert outsider.get(reverse("training:event-detail", args=[marked.event.pk])).status_code == 404


def test_a_supervisor_reads_its_trainees_only(world, marked, client_for):
    client = client_for(world.users.supervisor)
    listing = client.get(reverse("training:enrolment-list", args=[marked.event.pk]))
    assert _names(listing) == ["陆晓燕"]  # 周督导's trainee; not her colleague
    assert client.get(reverse("training:event-detail", args=[marked.b_event.pk])).status_code == 404
    assert client.get(reverse("training:sitting-mark", args=[marked.sitting.pk])).status_code == 403
    assert (
        client.get(reverse("training:sitting-board", args=[marked.sitting.pk])).status_code == 403
    )


def test_leadership_reads_everything_and_changes_nothing(world, marked, client_for):
    client = client_for(world.users.leader)
    figures = client.get(reverse("training:event-figures", args=[marked.event.pk]))
    assert figures.context["total"]["enrolled"] == 3
    assert (
        client.get(reverse("training:sitting-board", args=[marked.sitting.pk])).status_code == 200
    )
    assert client.get(reverse("training:event-update", args=[marked.event.pk])).status_code == 403
    assert client.get(reverse("training:event-create")).status_code == 403
    assert client.get(reverse("training:sitting-mark", args=[marked.sitting.pk])).status_code == 403


def test_every_role_has_a_training_menu_entry(world, client_for):
    for persona in ("district", "leader", "admin_a", "supervisor", "worker"):
        response = client_for(getattr(world.users, persona)).get(reverse("home"))
        assert "培训" in [i["label"] for i in response.context["nav_items"]]
