"""The coverage board as of a date (`?on=`): its figures follow the date, a pairing covers its
end date, and a date outside the window shows its message and falls back to today.

DOMAIN.md, "Dates that decide every figure"; issue 12. The suite's clock is pinned.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.factories import AssignmentFactory, TraineeFactory


def _board(client, on: str):
    response = client.get(reverse("supervisors:coverage"), {"on": on})
    assert response.status_code == 200
    return response


def test_a_pairing_ending_on_the_date_covers_it_and_not_the_day_after(world, client_for):
    ended = TraineeFactory(neighbourhood=world.na, joined=dt.date(2024, 1, 1))
    AssignmentFactory(
        supervisor=world.supervisor,
        trainee=ended,
        started_on=dt.date(2025, 3, 1),
        ended_on=dt.date(2025, 9, 30),
        end_reason="结束",
    )
    client = client_for(world.users.district)

    last_day = _board(client, "2025-09-30")
    day_after = _board(client, "2025-10-01")

    assert last_day.context["board"]["on"] == dt.date(2025, 9, 30)
    assert "截至 2025年9月30日" in last_day.content.decode()
    assert "截至 2025年10月1日" in day_after.content.decode()
    before, after = last_day.context["board"]["totals"], day_after.context["board"]["totals"]
    # The same workers on both days; the ended pairing's worker alone changes side.
    assert before["workers"] == after["workers"]
    assert after["covered"] == before["covered"] - 1
    assert after["uncovered"] == before["uncovered"] + 1
    row = {r.pk: r for r in day_after.context["board"]["rows"]}[world.a.pk]
    assert (
        row.uncovered
        == {r.pk: r for r in last_day.context["board"]["rows"]}[world.a.pk].uncovered + 1
    )


def test_a_bad_date_shows_the_message_by_the_field_and_uses_today(world, client_for):
    client = client_for(world.users.district)
    response = _board(client, "1999-01-01")
    assert response.context["board"]["on"] == timezone.localdate()
    assert response.context["form"].errors["on"] == ["日期不能早于 2019-01-01。"]
    assert "日期不能早于 2019-01-01。" in response.content.decode()

    garbled = _board(client, "2025-13-45")
    assert garbled.context["board"]["on"] == timezone.localdate()
    assert "on" in garbled.context["form"].errors


def test_a_subdistrict_administrator_sees_only_their_subdistrict_on_a_past_date(world, client_for):
    board = _board(client_for(world.users.admin_b), "2025-09-30").context["board"]
    assert [r.pk for r in board["rows"]] == [world.b.pk]
