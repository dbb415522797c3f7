"""The supervisor search behind the supervision log list's supervisor filter
(core.widgets.SearchSelect): about 10,000 supervisors at city scale were one drop-down."""

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from accounts.capabilities import (
    capability_required,
    scoped_subdistrict_id,
    sees_places,
    sees_whole_district,
)
from accounts.models import User
from core.widgets import OPTIONS_LIMIT, bad_options_request, options_response, search_term

from .models import Assignment, Supervisor


def supervisors_to_filter_logs_by(user: User) -> QuerySet[Supervisor]:
    """Whom a log list may be filtered by: the whole team for the district; for a subdistrict
    office, whoever has ever supervised one of its workers (their logs are the office's, as
    sessions.selectors.session_scope has it); no one for anyone else."""
    if sees_whole_district(user):
        return Supervisor.objects.all()
    own = scoped_subdistrict_id(user)
    if own is None:
        return Supervisor.objects.none()
    paired = Assignment.objects.filter(trainee__subdistrict_id=own).values("supervisor_id")
    return Supervisor.objects.filter(pk__in=paired)


@require_GET
@capability_required(sees_places)
def supervisor_options(request: HttpRequest) -> JsonResponse:
    """Supervisors the user may filter logs by whose name contains `q`, with their home
    subdistrict to tell namesakes apart. One query, at most OPTIONS_LIMIT rows."""
    q = search_term(request)
    if q is None:
        return bad_options_request()
    rows = supervisors_to_filter_logs_by(request.user)
    if q:
        rows = rows.filter(name__icontains=q)
    found = rows.order_by("home_subdistrict__code", "name", "pk").values_list(
        "pk", "name", "home_subdistrict__name"
    )
    return options_response(found[: OPTIONS_LIMIT + 1])
