"""One label, one population: every page that counts workers names 在册 or 在岗, and the same
label shows the same number on every page.

DOMAIN.md, "Dates that decide every figure"; issue 12. The suite's clock is pinned
(tests/conftest.py); the dates below are fixed.
"""

import re

from django.urls import reverse
from django.utils import timezone

from certification.selectors import rate_overall
from reports.figures import report_figures
from reports.periods import PeriodKind, latest_complete_period
from reports.selectors import home_figures
from supervisors.selectors import coverage_board
from tests.factories import TraineeFactory
from trainees.models import TraineeStatus

_STAT = re.compile(
    r'stat-card__label">([^<]+)</span>\s*<span class="stat-card__value">\s*([\d,]+)', re.S
)


def _stats(response) -> dict[str, list[int]]:
    """Every stat card's label and number on a page."""
    assert response.status_code == 200
    found: dict[str, list[int]] = {}
    for label, value in _STAT.findall(response.content.decode()):
        found.setdefault(label.strip(), []).append(int(value.replace(",", "")))
    return found


def test_every_page_labels_one_population_per_number(world, client_for):
    """Today: 3 workers on duty, one more on leave (在册, not 在岗), one who left at the start
    of the latest complete month (neither). 在岗 labels show 3, 在册 labels 4, on every page."""
    today = timezone.localdate()
    # The reports dashboard shows the latest complete month by default.
    month = latest_complete_period(PeriodKind.MONTH, today)
    TraineeFactory(neighbourhood=world.na, status=TraineeStatus.ON_LEAVE)
    TraineeFactory(neighbourhood=world.nb, status=TraineeStatus.LEFT, left_on=month.start)
    district = world.users.district
    # The figures behind the pages.
    home = home_figures(user=district)
    assert (home["active"], home["on_books"], home["on_leave"]) == (3, 4, 1)
    assert coverage_board(user=district, on=today)["totals"]["workers"] == 3
    assert rate_overall(user=district, on=today).active == 4
    assert report_figures(period=month)["headline"]["workers"] == 4
    # The pages.
    client = client_for(district)
    pages = {
        "home": _stats(client.get(reverse("home"))),
        "coverage": _stats(client.get(reverse("supervisors:coverage"))),
        "certification": _stats(client.get(reverse("certification:dashboard"))),
        "reports": _stats(client.get(reverse("reports:dashboard"))),
    }
    shown: dict[str, set[int]] = {}
    for page, stats in pages.items():
        for label, values in stats.items():
            if "社区工作者" in label:
                shown.setdefault(label, set()).update(values)
                assert not ("在岗" in label and "在册" in label), (page, label)
    assert shown == {"在岗社区工作者": {3}, "在册社区工作者": {4}}
    assert "在岗社区工作者" in pages["home"] and "在岗社区工作者" in pages["coverage"]
    assert "在册社区工作者" in pages["certification"] and "在册社区工作者" in pages["reports"]
    # Column headers follow the same rule.
    html = {
        name: client.get(reverse(url)).content.decode()
        for name, url in (
            ("coverage", "supervisors:coverage"),
            ("certification", "certification:dashboard"),
            ("reports", "reports:dashboard"),
        )
    }
    assert "在册人数" not in html["coverage"] and "在岗人数" in html["coverage"]
    assert "在岗人数" not in html["certification"] and "在岗人数" not in html["reports"]
    # The home page's note names the 在册 figure under its own label.
    assert "在册 4 人（含休假/借调 1 人）" in client.get(reverse("home")).content.decode()
