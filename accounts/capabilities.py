"""Who may do what: every named capability of Dudao, in one place (README, "Roles").

A role (User.role) says who someone is; a capability says what that lets them do, named from
their side ("can manage workers", "sees places"). Views (through `capability_required` and
`require_capability`), services (their own actor checks), selectors, navigation and templates
(`caps`, accounts/context_processors.py) all ask these functions, so changing who may do
what is a change to this file alone. Which objects someone sees is each app's scope selector;
they share `scope_by_subdistrict` below for the part that depends on the user's subdistrict.

Every capability takes the user (a signed-out visitor may do nothing); the object-level ones
also take the subdistrict the object belongs to (None: the district as a whole).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from .models import User

Capability = Callable[["User"], bool]
M = TypeVar("M", bound=Model)
V = TypeVar("V", bound=Callable[..., Any])


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- scope: how much of the district someone sees ------------------------------------------------


def sees_whole_district(user: User) -> bool:
    """Every subdistrict: the district administrators and leadership (read-only)."""
    return _signed_in(user) and (user.is_district_admin or user.is_leader)


def scoped_subdistrict_id(user: User) -> int | None:
    """The one subdistrict someone's pages are limited to (a subdistrict administrator's),
    None for everyone else."""
    return user.subdistrict_id if _signed_in(user) and user.is_subdistrict_admin else None


def sees_places(user: User) -> bool:
    """Sees whole places (the district, or one subdistrict) rather than people: the structure
    pages, the supervisor team and coverage, cadence, dashboards and reports."""
    return sees_whole_district(user) or scoped_subdistrict_id(user) is not None


def sees_subdistrict(user: User, subdistrict_id: int | None) -> bool:
    """Sees the figures of this subdistrict (None: of the whole district)."""
    if sees_whole_district(user):
        return True
    return subdistrict_id is not None and subdistrict_id == scoped_subdistrict_id(user)


def sees_full_identity(user: User) -> bool:
    """Full ID numbers, birth dates and mobile numbers: the one rule every page, export,
    form, history and uploaded file applies (trainees/identity.py shows what the others see).

    PIPL / GB/T 35273: shown in full only to the role that needs them. Everyone else sees
    the ID number's last four characters, the age instead of the birth date (which is
    digits 7–14 of the number) and a masked mobile, their own record included.
    """
    return _signed_in(user) and user.is_district_admin


# --- managing a place: the district's or a subdistrict's administrators --------------------------


def can_manage_place(user: User) -> bool:
    """Administers a place, the district or one subdistrict (leadership only reads)."""
    return _signed_in(user) and (user.is_district_admin or user.is_subdistrict_admin)


def manages_subdistrict(user: User, subdistrict_id: int | None) -> bool:
    """Administers this subdistrict's data (None: the district's own, e.g. a district-wide
    training or the district's report): the district everything, a subdistrict its own."""
    if _signed_in(user) and user.is_district_admin:
        return True
    return subdistrict_id is not None and subdistrict_id == scoped_subdistrict_id(user)


def can_manage_workers(user: User) -> bool:
    """Adds and edits workers' records, their status and certification (in their scope)."""
    return can_manage_place(user)


def can_organise_training(user: User) -> bool:
    """Creates training events (a subdistrict its own; `manages_subdistrict` per event)."""
    return can_manage_place(user)


def can_mark_attendance(user: User) -> bool:
    """Marks attendance, shows the check-in QR code, prints sign-in sheets, decides leave."""
    return can_manage_place(user)


def can_import(user: User, kind: str | None = None) -> bool:
    """Uses the import pages; a kind of data only by whoever may change it on its pages."""
    if kind == "supervisors":
        return can_manage_team(user)
    return can_manage_place(user)


def can_request_reports(user: User) -> bool:
    """Asks for a report to be built, rebuilds a failed one, writes the commentary."""
    return can_manage_place(user)


# --- seeing places -------------------------------------------------------------------------------


def sees_team(user: User) -> bool:
    """The supervisor team, its pairings and the coverage board (of the user's scope)."""
    return sees_places(user)


def sees_cadence(user: User) -> bool:
    """The list of supervisors behind this month's cadence."""
    return sees_places(user)


def can_view_reports(user: User) -> bool:
    """Dashboards and built reports."""
    return sees_places(user)


def can_watch_arrivals(user: User) -> bool:
    """The live "not yet arrived" board of a sitting."""
    return sees_places(user)


def sees_others_training(user: User) -> bool:
    """Training as lists of people: events, attendance figures, absentees, credited hours (a
    worker sees their own, on "my training")."""
    return _signed_in(user) and not user.is_worker


# --- the district's own -------------------------------------------------------------------------


def can_manage_team(user: User) -> bool:
    """The supervisor team and its pairings, auto-assignment included: the district's."""
    return _signed_in(user) and user.is_district_admin


def can_close_months(user: User) -> bool:
    """Closes a month, locking its supervision logs for good."""
    return _signed_in(user) and user.is_district_admin


def can_use_admin_site(user: User) -> bool:
    """Django's admin site (users, policies, the district's settings)."""
    return _signed_in(user) and user.is_active and user.is_district_admin


# --- supervisors --------------------------------------------------------------------------------


def can_write_logs(user: User) -> bool:
    """Writes supervision logs (each supervisor only their own: sessions/selectors.py)."""
    return _signed_in(user) and user.is_supervisor


# Every capability that takes the user alone, by name: what `caps` offers templates and what
# tests/accounts/test_capabilities.py checks against the README's role table.
CAPABILITIES: tuple[Capability, ...] = (
    sees_whole_district,
    sees_places,
    sees_full_identity,
    can_manage_place,
    can_manage_workers,
    can_organise_training,
    can_mark_attendance,
    can_import,
    can_request_reports,
    sees_team,
    sees_cadence,
    can_view_reports,
    can_watch_arrivals,
    sees_others_training,
    can_manage_team,
    can_close_months,
    can_use_admin_site,
    can_write_logs,
)
_NAMES = frozenset(c.__name__ for c in CAPABILITIES)


def _current(capability: Capability) -> Capability:
    # This module's definition at the time of asking, not the one a view imported: a test
    # that changes a capability here sees every page that uses it follow.
    if getattr(capability, "__module__", None) != __name__:
        return capability
    return globals().get(capability.__name__, capability)


# --- scoping a queryset --------------------------------------------------------------------------


def scope_by_subdistrict(qs: QuerySet[M], user: User, field: str = "subdistrict") -> QuerySet[M]:
    """`qs` as far as the user sees places: all of it for the whole district, the rows whose
    `field` is the user's subdistrict for a subdistrict administrator, none for anyone else.

    Each app's scope selector handles its own people first (a supervisor's trainees, a
    worker's own record) and leaves the places to this.
    """
    if sees_whole_district(user):
        return qs
    own = scoped_subdistrict_id(user)
    if own is None:
        return qs.none()
    return qs.filter(**{field: own})


# --- using them in views -------------------------------------------------------------------------


def require_capability(user: User, capability: Capability, message: str = "") -> None:
    """PermissionDenied (the 403 page, with `message`) unless the user has the capability."""
    if not _current(capability)(user):
        raise PermissionDenied(message)


def capability_required(capability: Capability, message: str = "") -> Callable[[V], V]:
    """A view decorator: 403 unless the user has the capability, before anything is looked up
    (where an object outside the scope must answer 404 first, call `require_capability`
    after looking it up)."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_capability(request.user, capability, message)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


class CapabilityRequiredMixin:
    """`capability_required` for class-based views: set `capability` (and `denied_message`)."""

    capability: Capability
    denied_message: str = ""

    def dispatch(self, request, *args, **kwargs):
        require_capability(request.user, type(self).capability, self.denied_message)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class Capabilities(Mapping[str, Any]):
    """The user's capabilities for templates, asked on first use and remembered for the
    request: `{% if caps.can_manage_workers %}`. `caps.scoped_subdistrict` is the subdistrict
    a subdistrict administrator's pages are limited to (None for everyone else)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._answers: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._answers:
            if name == "scoped_subdistrict":
                found = scoped_subdistrict_id(self.user) is not None
                self._answers[name] = self.user.subdistrict if found else None
            elif name in _NAMES:
                self._answers[name] = bool(globals()[name](self.user))
            else:
                raise KeyError(name)
        return self._answers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(_NAMES | {"scoped_subdistrict"}))

    def __len__(self) -> int:
        return len(_NAMES) + 1
