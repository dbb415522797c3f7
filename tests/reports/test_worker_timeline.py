"""The worker's page shows a dated timeline (时间线) of what Dudao keeps about them, newest
first, in a constant number of queries, and only to those who may see the worker (issue 12)."""

import datetime as dt

import pytest
from django.urls import reverse

from certification.models import Certificate
from sessions.models import SessionStatus
from tests.certification.conftest import certify
from tests.certification.test_registration import attend
from tests.factories import AssignmentFactory
from tests.reports.conftest import log
from trainees.history import history_change
from trainees.models import CareerGrade, ChangeKind
from trainees.services import trainee_mark_left


def history(world) -> None:
    """陆晓燕 (joined 2015-03-01, paired with 张 from 2025-03-01, open): an assistant certificate
    passed 2022-06-18, held from 2022-08-20, registered 2022-09-01; 40 hours of training on
    2023-04-10; a confirmed mentor session on 2025-06-02 and a draft on 2025-06-10; left on
    2026-01-31."""
    cert = certify(
        world.worker, "assistant", dt.date(2022, 6, 18), registrations=[dt.date(2022, 9, 1)]
    )
    Certificate.objects.filter(pk=cert.pk).update(date_issued=dt.date(2022, 8, 20))
    attend(world.worker, dt.date(2023, 4, 10), "40")
    log(world.supervisor, "mentor", dt.date(2025, 6, 2), [world.worker])
    log(
        world.supervisor, "mentor", dt.date(2025, 6, 10), [world.worker], status=SessionStatus.DRAFT
    )
    trainee_mark_left(
        trainee=world.worker,
        actor=world.users.district,
        left_on=dt.date(2026, 1, 31),
        reason="补登",
    )


def test_the_timeline_lists_the_workers_history_newest_first(world, client_for):
    history(world)
    page = client_for(world.users.district).get(reverse("trainees:detail", args=[world.worker.pk]))
    assert page.status_code == 200
    timeline = page.context["timeline"]
    assert [(e.day, e.kind) for e in timeline] == [
        (dt.date(2026, 1, 31), "left"),
        (dt.date(2025, 6, 2), "supervision"),  # the draft of 2025-06-10 is not a record yet
        (dt.date(2025, 3, 1), "pairing"),
        (dt.date(2023, 4, 10), "training"),
        (dt.date(2022, 9, 1), "registration"),
        (dt.date(2022, 8, 20), "certified"),
        (dt.date(2022, 6, 18), "passed"),
        (dt.date(2015, 3, 1), "joined"),
    ]
    text = page.content.decode()
    section = text[text.index("时间线") :]
    rows = [
        "2026年1月31日",
        "2025年6月2日",
        "2025年3月1日 – 至今",
        "2023年4月10日",
        "2022年9月1日 – 2025年8月31日",
        "2022年8月20日",
        "2022年6月18日",
        "2015年3月1日",
    ]
    positions = [section.index(day) for day in rows]
    assert positions == sorted(positions)
    assert "社区治理专题培训，40 学时" in section
    assert f"督导师 {world.supervisor.name}，" in section


def test_a_worker_sees_their_own_timeline(world, client_for):
    attend(world.worker, dt.date(2023, 4, 10), "6")
    page = client_for(world.users.worker).get(reverse("trainees:detail", args=[world.worker.pk]))
    assert page.status_code == 200
    assert [e.kind for e in page.context["timeline"]] == ["pairing", "training", "joined"]


@pytest.mark.parametrize("persona", ["admin_b", "outsider", "other_supervisor"])
def test_an_out_of_scope_persona_gets_404(world, client_for, persona):
    history(world)
    client = client_for(getattr(world.users, persona))
    assert client.get(reverse("trainees:detail", args=[world.worker.pk])).status_code == 404


@pytest.mark.parametrize("extra", [1, 12])
def test_the_page_query_count_does_not_grow_with_the_history(
    world, client_for, django_assert_max_num_queries, extra
):
    history(world)
    for i in range(extra):
        attend(world.worker, dt.date(2024, 1, 1) + dt.timedelta(days=i), "2")
        log(world.supervisor, "drill", dt.date(2024, 2, 1) + dt.timedelta(days=i), [world.worker])
        AssignmentFactory(
            supervisor=world.other_supervisor,
            trainee=world.worker,
            started_on=dt.date(2020, 1, 1) + dt.timedelta(days=10 * i),
            ended_on=dt.date(2020, 1, 5) + dt.timedelta(days=10 * i),
            end_reason="调整",
        )
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
    client = client_for(world.users.district)
    # The page's 14 (session, user, the worker, pairings, change history, certification
    # section, ...), the timeline's 4: certificates, registrations, training attended,
    # supervision sessions; and 1 for the history periods (issue 12: one query feeds both the
    # 履历 table and the timeline's changes); 1 for the yearly assessments (年度考核, their
    # own two sizes in tests/trainees/test_assessment_pages.py). The bound is the same at both
    # sizes.
    with django_assert_max_num_queries(20):
        assert client.get(reverse("trainees:detail", args=[world.worker.pk])).status_code == 200
