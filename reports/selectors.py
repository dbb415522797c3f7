"""Reads for the home pages and the report runs; each figure is a database aggregate."""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from accounts.capabilities import scope_by_subdistrict, scoped_subdistrict_id, sees_whole_district
from accounts.models import User
from neighbourhoods.models import Subdistrict
from neighbourhoods.selectors import subdistrict_scope
from trainees.models import ON_BOOKS_STATES, Education, EmploymentState, TraineeStatus
from trainees.populations import ON_BOOKS_NOTE, ON_DUTY_NOTE, period_covers_q
from trainees.selectors import trainee_scope

from .models import ReportRun
from .periods import Period
from .services import report_scope_check
from .snapshots import dashboard_snapshot

_COLLEGE_OR_ABOVE = [
    Education.JUNIOR_COLLEGE,
    Education.BACHELOR,
    Education.MASTER,
    Education.DOCTOR,
]


def home_figures(*, user: User) -> dict:
    """Workers in scope today, 在岗 and 在册 (trainees.populations), and the profile of those
    在岗: one aggregate query plus one for committees.

    Each worker is joined once to the period of their history covering today (periods never
    overlap; none before they first joined), so the figures are one scan of the workers and of
    today's periods. Nine `EXISTS` over the whole history per worker, as before, cost 0.75 s
    at 100,000 workers on PostgreSQL (issue 13).
    """
    today = timezone.localdate()
    state = "today__state"
    active = Q(**{state: EmploymentState.ON_DUTY})
    on_books = Q(**{f"{state}__in": ON_BOOKS_STATES})
    figures = (
        trainee_scope(user)
        .alias(today=FilteredRelation("periods", condition=period_covers_q(today, "periods__")))
        .aggregate(
            total=Count("pk"),
            active=Count("pk", filter=active),
            on_books=Count("pk", filter=on_books),
            on_leave=Count("pk", filter=on_books & ~active),
            left=Count("pk", filter=Q(status=TraineeStatus.LEFT)),
            party=Count("pk", filter=active & Q(political_status__in=["cpc", "cpc_probationary"])),
            college=Count("pk", filter=active & Q(education__in=_COLLEGE_OR_ABOVE)),
            social_work=Count("pk", filter=active & Q(major_is_social_work=True)),
            female=Count("pk", filter=active & Q(gender="F")),
        )
    )
    figures["subdistricts"] = subdistrict_scope(user).aggregate(
        n=Count("pk", distinct=True), committees=Count("neighbourhoods", distinct=True)
    )
    figures["on_duty_note"] = ON_DUTY_NOTE
    figures["on_books_note"] = ON_BOOKS_NOTE
    n = figures["active"] or 0
    for key in ("party", "college", "social_work", "female"):
        figures[f"{key}_pct"] = round(100 * figures[key] / n, 1) if n else None
    return figures


# --- report runs ------------------------------------------------------------------------------


def run_scope(user: User) -> QuerySet[ReportRun]:
    """The runs this user may see: the district's all; a subdistrict admin only their own."""
    return scope_by_subdistrict(ReportRun.objects.all(), user)


def run_list(*, user: User) -> QuerySet[ReportRun]:
    return run_scope(user).select_related("subdistrict", "requested_by").order_by("-created_at")


def get_run_for_user(user: User, pk: int, *, write: bool = False) -> ReportRun:
    """The run if this user may see it (404 otherwise); 403 when they may not rebuild it."""
    run = run_list(user=user).filter(pk=pk).first()
    if run is None:
        raise Http404
    if write:
        report_scope_check(actor=user, subdistrict=run.subdistrict, write=True)
    return run


def report_subdistrict_for(user: User, requested: str | int | None) -> Subdistrict | None:
    """The scope of a dashboard or report: a subdistrict admin always gets their own.

    District users get the one they ask for (or the district, None); anyone else is refused.
    """
    own = scoped_subdistrict_id(user)
    if own is not None:
        return Subdistrict.objects.get(pk=own)
    if not sees_whole_district(user):
        raise PermissionDenied
    if requested in (None, ""):
        return None
    try:
        return Subdistrict.objects.get(pk=int(requested))
    except (ValueError, Subdistrict.DoesNotExist) as exc:
        raise Http404 from exc


def cached_dashboard_figures(
    *, period: Period, subdistrict_id: int | None, refresh: bool = False
) -> tuple[dict, dt.datetime]:
    """The dashboard's figures and when they were computed, kept for a few minutes.

    The figures of a complete period come from its snapshot (reports/snapshots.py: one query,
    dropped whenever data dated within it changes) and are computed only when it is missing; a
    period not over yet is always computed (35–44 queries, 7–12 s of SQL at 100,000 workers).
    In front of both, a view up to DUDAO_DASHBOARD_CACHE_SECONDS old is shown with the time it
    was computed: the cache is shared by every web worker in production (Redis,
    config/settings/production.py) and spares even the snapshot's query to leaders and offices
    opening the same few periods again and again. `refresh` recomputes at once and replaces the
    snapshot. Report runs (PDF, Excel) never use this: they always compute afresh.
    """
    language = get_language() or settings.LANGUAGE_CODE
    key = ":".join(
        (
            "dashboard-figures",
            # v2: workers counted where their history placed them on the date (issue 12).
            "v2",
            language,
            period.kind,
            str(period.year),
            str(period.number),
            str(subdistrict_id or "district"),
        )
    )
    seconds = settings.DUDAO_DASHBOARD_CACHE_SECONDS
    kept = None if refresh or seconds <= 0 else cache.get(key)
    if kept is not None:
        return kept["figures"], kept["computed_at"]
    figures, computed_at = dashboard_snapshot(
        period=period, subdistrict_id=subdistrict_id, language=language, refresh=refresh
    )
    if seconds > 0:
        cache.set(key, {"figures": figures, "computed_at": computed_at}, seconds)
    return figures, computed_at
