"""Reads of community workers. Every query that a user sees starts from `trainee_scope`."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.capabilities import can_manage_workers, scope_by_subdistrict
from accounts.models import User

from .models import ON_BOOKS_STATES, Trainee, WorkerPeriod


def trainee_scope(user: User) -> QuerySet[Trainee]:
    """The workers this user may see: the one place where the roster's scoping rule lives."""
    qs = Trainee.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_supervisor:
        # The supervisor's current pairings, reached through the relation: supervisors sit
        # above trainees in the layers, so this module names no code of theirs.
        pairing = Trainee._meta.get_field("assignments").related_model
        paired = pairing.objects.filter(supervisor__user=user, ended_on__isnull=True)
        return qs.filter(pk__in=paired.values("trainee_id"))
    if user.is_worker:
        return qs.filter(user=user)
    return scope_by_subdistrict(qs, user)


def period_scope(user: User) -> QuerySet[WorkerPeriod]:
    """The periods on the books (在册) that this user's figures count, on any date: a
    subdistrict office counts whoever was placed in its subdistrict on the date (a worker who
    moved away since is still in its past figures, and not in the new one's); a supervisor and
    a worker, the workers `trainee_scope` gives them. Add `period_covers_q(d)` for a date
    (trainees.populations) — one row per worker then."""
    qs = WorkerPeriod.objects.filter(state__in=ON_BOOKS_STATES).order_by()
    if not user.is_authenticated:
        return qs.none()
    if user.is_supervisor or user.is_worker:
        return qs.filter(trainee__in=trainee_scope(user))
    return scope_by_subdistrict(qs, user)


def trainee_list(*, user: User, search: str = "") -> QuerySet[Trainee]:
    qs = trainee_scope(user).select_related("subdistrict", "neighbourhood", "grade")
    if search:
        qs = qs.filter(trainee_search_q(search))
    return qs


def trainee_search_q(search: str) -> Q:
    """Name fragment, ID-number tail (the part people read off a card) or phone number.

    Only the last 4 characters of an ID number are stored searchable (trainees/pii.py): a
    longer tail matches on its last 4, a whole number on its keyed hash.
    """
    from .identity import id_number_normalise
    from .pii import TAIL_LENGTH, id_number_hash

    term = search.strip()
    tail = id_number_normalise(term)
    q = Q(name__icontains=term)
    if tail and tail.replace("X", "").isdigit():
        if len(tail) == 18:
            q |= Q(id_number_hash=id_number_hash(tail))
        elif len(tail) >= TAIL_LENGTH:
            q |= Q(id_number_tail=tail[-TAIL_LENGTH:])
        else:
            q |= Q(id_number_tail__endswith=tail)
        q |= Q(mobile__contains=tail)
    return q


def get_trainee_for_user(user: User, pk: int, *, write: bool = False) -> Trainee:
    """The worker if this user may see it; 404 when out of scope, 403 when the role cannot edit."""
    trainee = (
        trainee_scope(user)
        .select_related("subdistrict", "neighbourhood", "grade")
        .filter(pk=pk)
        .first()
    )
    if trainee is None:
        raise Http404
    if write and not can_manage_workers(user):
        raise PermissionDenied(_("您的角色只能查看，不能修改社区工作者档案。"))
    return trainee
