"""Reads of import runs. Who may see a run may download its error report; only district
administrators download the file as uploaded."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.capabilities import (
    can_import,
    require_capability,
    scope_by_subdistrict,
    sees_full_identity,
)
from accounts.models import User

from .models import ImportRun


def import_run_scope(user: User) -> QuerySet[ImportRun]:
    """District administrators see every run; a subdistrict administrator their subdistrict's."""
    qs = ImportRun.objects.all()
    if not can_import(user):
        return qs.none()  # leadership sees the whole district, but imports nothing
    return scope_by_subdistrict(qs, user)


def import_run_list(*, user: User) -> QuerySet[ImportRun]:
    return (
        import_run_scope(user)
        .select_related("created_by", "subdistrict")
        .defer("errors", "changes")
    )


def require_importer(user: User) -> None:
    require_capability(user, can_import, _("只有区管理员和街道（镇）管理员可以导入导出数据。"))


def get_import_run_for_user(user: User, pk: int) -> ImportRun:
    """The run if this user may see it; 403 for roles that never import, 404 when out of scope."""
    require_importer(user)
    run = import_run_scope(user).select_related("created_by").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def may_download_original(user: User) -> bool:
    """The uploaded file holds full ID numbers, which only district administrators see
    (README, "Roles"); everyone else who may see the run gets its error report, masked."""
    return sees_full_identity(user)


def get_import_file_for_user(user: User, pk: int) -> ImportRun:
    """The run whose uploaded file this user may download: 403 for any other role (whatever
    the run, so that the answer says nothing of it), 404 when out of scope or removed."""
    if not may_download_original(user):
        raise PermissionDenied(_("原文件只有区管理员可以下载，请下载错误报告。"))
    run = get_import_run_for_user(user, pk)
    if not run.file:
        raise Http404
    return run
