"""The committee search behind the committee filters of the roster and other lists
(core.widgets.SearchSelect)."""

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from accounts.capabilities import capability_required, sees_places
from core.params import parse_id
from core.widgets import OPTIONS_LIMIT, bad_options_request, options_response, search_term

from .selectors import neighbourhood_scope


@require_GET
@capability_required(sees_places)
def committee_options(request: HttpRequest) -> JsonResponse:
    """Committees in the user's scope whose name, or whose subdistrict's name, contains `q`;
    only those of `subdistrict` when it is given. One query, at most OPTIONS_LIMIT rows."""
    q = search_term(request)
    raw = request.GET.get("subdistrict", "").strip()
    subdistrict = parse_id(raw)
    if q is None or (raw and subdistrict is None):
        return bad_options_request()
    rows = neighbourhood_scope(request.user)
    if subdistrict is not None:
        rows = rows.filter(subdistrict_id=subdistrict)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(subdistrict__name__icontains=q))
    found = rows.order_by("subdistrict__code", "name", "pk").values_list(
        "pk", "name", "subdistrict__name"
    )
    return options_response(found[: OPTIONS_LIMIT + 1])
