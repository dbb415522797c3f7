"""Reads of the workbook runs: a run is its requester's alone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from ..models import WorkbookRun


def workbook_run_list(*, user: User) -> QuerySet[WorkbookRun]:
    if not user.is_authenticated:
        return WorkbookRun.objects.none()
    return WorkbookRun.objects.filter(requested_by_id=user.pk).select_related("subdistrict")


def get_workbook_run_for_user(user: User, pk: int) -> WorkbookRun:
    """The run, to the user who asked for it only: anyone else gets a 404."""
    run = workbook_run_list(user=user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run
