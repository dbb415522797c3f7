"""Headline figures for the home pages; each figure is a database aggregate."""

from django.db.models import Count, Q

from accounts.models import User
from neighbourhoods.selectors import subdistrict_scope
from trainees.models import Education, TraineeStatus
from trainees.selectors import trainee_scope

_COLLEGE_OR_ABOVE = [
    Education.JUNIOR_COLLEGE,
    Education.BACHELOR,
    Education.MASTER,
    Education.DOCTOR,
]


def home_figures(*, user: User) -> dict:
    """Workers in scope by status and profile: one aggregate query plus one for committees."""
    active = Q(status=TraineeStatus.ACTIVE)
    figures = trainee_scope(user).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=active),
        on_leave=Count("pk", filter=Q(status=TraineeStatus.ON_LEAVE)),
        left=Count("pk", filter=Q(status=TraineeStatus.LEFT)),
        party=Count("pk", filter=active & Q(political_status__in=["cpc", "cpc_probationary"])),
        college=Count("pk", filter=active & Q(education__in=_COLLEGE_OR_ABOVE)),
        social_work=Count("pk", filter=active & Q(major_is_social_work=True)),
        female=Count("pk", filter=active & Q(gender="F")),
    )
    figures["subdistricts"] = subdistrict_scope(user).aggregate(
        n=Count("pk", distinct=True), committees=Count("neighbourhoods", distinct=True)
    )
    n = figures["active"] or 0
    for key in ("party", "college", "social_work", "female"):
        figures[f"{key}_pct"] = round(100 * figures[key] / n, 1) if n else None
    return figures
