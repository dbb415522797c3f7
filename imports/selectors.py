"""Reads of import runs. Who may see a run may also download its file."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User

from .models import ImportRun


def import_run_scope(user: User) -> QuerySet[ImportRun]:
    """District administrators see every run; a subdistrict administrator their subdistrict's."""
    qs = ImportRun.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_district_admin:
        return qs
    if user.is_subdistrict_admin:
        return qs.filter(subdistrict_id=user.subdistrict_id)
    return qs.none()


def import_run_list(*, user: User) -> QuerySet[ImportRun]:
    return (
        import_run_scope(user)
        .select_related("created_by", "subdistrict")
        .defer("errors", "changes")
    )


def require_importer(user: User) -> None:
    if not (user.is_district_admin or user.is_subdistrict_admin):
        raise PermissionDenied(_("只有区管理员和街道（镇）管理员可以导入导出数据。"))


def get_import_run_for_user(user: User, pk: int) -> ImportRun:
    """The run if this user may see it; 403 for roles that never import, 404 when out of scope."""
    require_importer(user)
    run = import_run_scope(user).select_related("created_by").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run
