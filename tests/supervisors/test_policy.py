"""The district's supervision rules are a row (SupervisionPolicy), not constants: editing the
row changes the coverage board, the auto-assignment and the proposed mode of a pairing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from certification.rules import add_years
from supervisors.autoassign import SupervisorRow, WorkerRow, autoassign_plan, solve
from supervisors.models import SupervisionPolicy
from supervisors.selectors import supervision_policy
from tests.factories import TraineeFactory
from tests.supervisors.test_autoassign import add_workers
from tests.test_admin_audit import admin_form_data

pytestmark = pytest.mark.django_db


def set_policy(**values: int) -> None:
    SupervisionPolicy.objects.filter(pk=supervision_policy().pk).update(**values)


def test_the_migration_seeds_the_plans_ratio_and_mentor_rule(db):
    policy = SupervisionPolicy.objects.get()
    assert (policy.district_ratio, policy.mentor_max_service_years) == (10, 3)


def test_supervisors_needed_on_the_coverage_board_follow_the_district_ratio(world, client_for):
    for _ in range(11):
        TraineeFactory(neighbourhood=world.na)  # 12 uncovered with 顾建国
    client = client_for(world.users.district)
    board = client.get(reverse("supervisors:coverage")).context["board"]
    assert (board["totals"]["uncovered"], board["totals"]["needed"]) == (12, 2)

    set_policy(district_ratio=4)
    page = client.get(reverse("supervisors:coverage"))
    assert page.context["board"]["totals"]["needed"] == 3
    assert "按 1:4 配比" in page.content.decode()
    assert "按 1:4 配备" in client.get(reverse("supervisors:list")).content.decode()


def test_supervisors_still_needed_by_the_auto_assignment_follow_the_district_ratio(
    world, client_for
):
    add_workers(world.nb, 25)  # 26 to place, 9 + 9 free places: 8 left over
    assert autoassign_plan().supervisors_needed == 1
    set_policy(district_ratio=3)
    page = client_for(world.users.district).get(reverse("supervisors:autoassign-preview"))
    assert page.context["plan"].unplaced == 8 and page.context["plan"].supervisors_needed == 3
    assert "还需要 3 名督导师才能按 1:3 覆盖全部社区工作者" in page.content.decode()
    out = io.StringIO()
    call_command("autoassign", stdout=out)
    assert "还需要 3 名督导师才能按 1:3 覆盖全部社区工作者" in out.getvalue()


def test_the_solver_takes_the_policy_it_is_given():
    today = dt.date(2026, 11, 1)
    rows = [WorkerRow(i, 1, None, None, dt.date(2023, 12, 1)) for i in range(1, 8)]
    plan = solve(
        rows,
        [SupervisorRow(10, 1, frozenset(), 2, 0)],
        today=today,
        policy=SupervisionPolicy(district_ratio=2, mentor_max_service_years=1),
    )
    # Five unplaced at 1:2 need three more supervisors; two years of service is past 1.
    assert (plan.unplaced, plan.supervisors_needed) == (5, 3)
    assert {p.mode for p in plan.pairs} == {"drill"}


def test_mentor_mode_follows_the_policys_years_of_service(world, client_for):
    today = timezone.localdate()
    world.colleague.started_community_work = add_years(today, -4)  # four full years today
    world.colleague.save()
    newcomer = TraineeFactory(neighbourhood=world.na, started_community_work=add_years(today, -2))

    def modes() -> dict[int, str]:
        return {p.trainee_id: p.mode for p in autoassign_plan(today=today).pairs}

    assert modes() == {world.colleague.pk: "drill", newcomer.pk: "mentor"}  # at most 3 years
    set_policy(mentor_max_service_years=4)
    assert modes() == {world.colleague.pk: "mentor", newcomer.pk: "mentor"}
    set_policy(mentor_max_service_years=1)
    assert modes() == {world.colleague.pk: "drill", newcomer.pk: "drill"}

    client = client_for(world.users.district)
    preview = client.get(reverse("supervisors:autoassign-preview")).content.decode()
    assert "从事社区工作 1 年及以下的为师徒式" in preview
    # Pairing one worker by hand proposes the same mode.
    form = client.get(reverse("supervisors:assignment-create", args=[newcomer.pk])).context["form"]
    assert form.initial["mode"] == "drill"
    set_policy(mentor_max_service_years=2)
    form = client.get(reverse("supervisors:assignment-create", args=[newcomer.pk])).context["form"]
    assert form.initial["mode"] == "mentor"


def test_the_policy_is_edited_in_the_admin_and_the_change_is_audited(world, client_for):
    client = client_for(world.users.district)
    policy = supervision_policy()
    url = reverse("admin:supervisors_supervisionpolicy_change", args=[policy.pk])
    data = admin_form_data(client.get(url))
    data["district_ratio"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_type="supervisors.supervisionpolicy")
    assert (event.action, event.changes) == (AuditAction.UPDATE, {"district_ratio": [10, 1]})
    board = client.get(reverse("supervisors:coverage")).context["board"]
    assert board["totals"]["needed"] == board["totals"]["uncovered"] == 1

    data["district_ratio"] = "0"  # a ratio of 1:0 means nothing
    assert client.post(url, data).status_code == 200
    assert supervision_policy().district_ratio == 1
    # One row: no second policy, and the district's cannot be deleted.
    assert client.get(reverse("admin:supervisors_supervisionpolicy_add")).status_code == 403
    delete = reverse("admin:supervisors_supervisionpolicy_delete", args=[policy.pk])
    assert client.get(delete).status_code == 403
