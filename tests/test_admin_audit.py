"""Edits made in the admin site enter the audit trail and show on the record's page, like
edits made through Dudao's own pages: the admin saves through the same services, which record
the event (core/admin.py ServiceAdmin; policy rows through audit/admin_mixins.py)."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from supervisors.models import Assignment

pytestmark = pytest.mark.django_db


def admin_form_data(response) -> dict:
    """What the browser would send back from an admin change form, unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def test_a_supervisor_edited_in_the_admin_shows_who_changed_what(world, client_for):
    client = client_for(world.users.district)
    url = reverse("admin:supervisors_supervisor_change", args=[world.supervisor.pk])
    data = admin_form_data(client.get(url))
    data["capacity"] = "12"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_type="supervisors.supervisor")
    assert (event.action, event.actor) == (AuditAction.UPDATE, world.users.district)
    assert event.changes == {"capacity": [10, 12]}
    page = client.get(reverse("supervisors:detail", args=[world.supervisor.pk])).content.decode()
    history = page.split('id="history-heading"', 1)[1]
    assert "<td>district</td>" in history and "带教容量：10 → 12" in history


def test_saving_an_admin_form_unchanged_records_nothing(world, client_for):
    client = client_for(world.users.district)
    url = reverse("admin:supervisors_supervisor_change", args=[world.supervisor.pk])
    assert client.post(url, admin_form_data(client.get(url))).status_code == 302
    assert not AuditEvent.objects.exists()


def test_a_pairing_ended_in_the_admin_is_in_the_trail_and_stays_as_history(world, client_for):
    client = client_for(world.users.district)
    pairing = Assignment.objects.get(trainee=world.worker)
    url = reverse("admin:supervisors_assignment_change", args=[pairing.pk])
    data = admin_form_data(client.get(url))
    data["ended_on"] = "2026-06-30"
    data["end_reason"] = "学员调岗"
    assert client.post(url, data).status_code == 302
    # Ended through assignment_end, whose event is the only one (not the admin's as well).
    (update,) = AuditEvent.objects.filter(
        object_type="supervisors.assignment", object_id=str(pairing.pk)
    )
    assert update.changes == {"ended_on": [None, "2026-06-30"], "end_reason": ["", "学员调岗"]}
    assert (update.action, update.actor) == (AuditAction.UPDATE, world.users.district)
    # The ended pairing is history: neither changed nor deleted in the admin.
    assert client.post(url, data).status_code == 403
    delete = reverse("admin:supervisors_assignment_delete", args=[pairing.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Assignment.objects.filter(pk=pairing.pk).exists()


def test_a_worker_edited_in_the_admin_keeps_the_id_number_masked_in_the_trail(world, client_for):
    client = client_for(world.users.district)
    url = reverse("admin:trainees_trainee_change", args=[world.worker.pk])
    data = admin_form_data(client.get(url))
    data["mobile"] = "13912345678"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_type="trainees.trainee")
    assert event.changes["mobile"][1] == "13912345678"
    assert world.worker.id_number not in str(AuditEvent.objects.values_list("changes"))
    page = client.get(reverse("trainees:detail", args=[world.worker.pk])).content.decode()
    assert "→ 13912345678" in page.split('id="history-heading"', 1)[1]
