"""在册 around the day a worker leaves, as trainees.populations documents it.

DOMAIN.md, "Dates that decide every figure"; issue 12. The suite's clock is pinned
(tests/conftest.py); the dates below are fixed.
"""

import datetime as dt

from certification.selectors import rate_overall
from tests.factories import TraineeFactory
from trainees.models import Trainee, TraineeStatus
from trainees.populations import on_books_q


def test_a_worker_is_on_the_books_until_the_day_before_their_leaving_date(world):
    """trainees.populations: `left_on` is the day they have left — counted on d-1, not on d."""
    d = dt.date(2026, 9, 30)
    leaver = TraineeFactory(neighbourhood=world.na, status=TraineeStatus.LEFT, left_on=d)

    def on_books(day):
        return Trainee.objects.filter(on_books_q(day), pk=leaver.pk).exists()

    assert [
        on_books(d - dt.timedelta(days=1)),
        on_books(d),
        on_books(d + dt.timedelta(days=1)),
    ] == [
        True,
        False,
        False,
    ]
    # What the district rate's 在册 count shows on those days (3 others on the books).
    district = world.users.district
    assert rate_overall(user=district, on=d - dt.timedelta(days=1)).active == 4
    assert rate_overall(user=district, on=d).active == 3
