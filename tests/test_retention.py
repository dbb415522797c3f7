"""Stored files are removed after the periods the district sets (audit.RetentionPolicy), by a
daily job; the runs stay and say so (issue 15, part 2).

The suite's clock is pinned (tests/conftest.py); these tests move it on with time-machine and
compare with dates computed from TEST_NOW, never with the real date.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent, RetentionPolicy
from imports.models import ImportRun
from imports.services import import_apply_start, import_preview
from imports.tasks import remove_expired_import_files
from reports.models import ReportRun, RunStatus
from reports.tasks import remove_expired_report_files
from tests.conftest import TEST_NOW
from tests.imports.conftest import roster_row, upload, xlsx_bytes
from trainees.exports import roster_headers

pytestmark = pytest.mark.django_db

YEAR_END = {"kind": "year", "year": 2025, "number": 1, "language": "zh-hans"}


def later(days: int) -> dt.datetime:
    return TEST_NOW + dt.timedelta(days=days)


def set_periods(client, **days: int):
    """What a district administrator does on the policy's admin page."""
    policy = RetentionPolicy.objects.get()
    data = {
        "import_file_days": policy.import_file_days,
        "report_file_days": policy.report_file_days,
    }
    return client.post(
        reverse("admin:audit_retentionpolicy_change", args=[policy.pk]),
        {**data, **days},
        follow=True,
    )


def test_the_district_has_one_policy_row_with_defaults():
    policy = RetentionPolicy.objects.get()  # created by a data migration
    assert (policy.import_file_days, policy.report_file_days) == (90, 365)


def test_only_district_admins_edit_the_periods_and_each_change_is_audited(world, client_for):
    refused = set_periods(client_for(world.users.admin_a), import_file_days=1)
    assert refused.status_code == 403
    assert RetentionPolicy.objects.get().import_file_days == 90

    district = client_for(world.users.district)
    saved = set_periods(district, import_file_days=30, report_file_days=60)
    assert saved.redirect_chain[-1][0] == reverse("admin:audit_retentionpolicy_changelist")
    policy = RetentionPolicy.objects.get()
    assert (policy.import_file_days, policy.report_file_days) == (30, 60)
    event = AuditEvent.objects.get(object_type="audit.retentionpolicy")
    assert event.actor == world.users.district
    assert event.changes == {"import_file_days": [90, 30], "report_file_days": [365, 60]}

    # No "keep for 0 days" (every file removed on upload) and nothing absurdly long.
    for days in (0, 3651):
        response = set_periods(district, import_file_days=days)
        assert not response.redirect_chain and response.context["adminform"].form.errors
    assert RetentionPolicy.objects.get().import_file_days == 30


def test_uploads_are_removed_after_the_period_the_district_sets(
    world, client_for, django_capture_on_commit_callbacks
):
    admin_a, district = client_for(world.users.admin_a), client_for(world.users.district)
    run = import_preview(
        kind="workers",
        file=upload(xlsx_bytes([roster_headers(), roster_row()]), name="华阳.xlsx"),
        actor=world.users.admin_a,
    )
    storage, name = run.file.storage, run.file.name
    assert run.can_apply and storage.exists(name)

    with time_machine.travel(later(31), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert remove_expired_import_files() == 0  # 90 days by default
        assert storage.exists(name)
        # Signed in again: a month later the morning's session has long expired.
        set_periods(client_for(world.users.district), import_file_days=30)
        with django_capture_on_commit_callbacks(execute=True):
            assert remove_expired_import_files() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert remove_expired_import_files() == 0  # done once

    run.refresh_from_db()
    assert not storage.exists(name)
    assert (run.file.name, run.file_removed_at, run.file_kept_days) == ("", later(31), 30)
    assert (run.rows, run.new_count, run.status) == (1, 1, ImportRun.Status.PREVIEWED)
    page = district.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert f"原文件已按保存期限（30 天）于 {later(31):%Y-%m-%d} 删除" in page
    assert reverse("imports:run-file", args=[run.pk]) not in page
    assert district.get(reverse("imports:run-file", args=[run.pk])).status_code == 404
    # The uploader can no longer apply it: the file it would be read from is gone.
    page = admin_a.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert "确认导入</button>" not in page
    with pytest.raises(ValidationError, match="原文件已按保存期限删除"):
        import_apply_start(run=run, actor=world.users.admin_a)


def test_a_run_being_applied_keeps_its_file_until_a_later_day(
    world, django_capture_on_commit_callbacks
):
    run = import_preview(
        kind="workers",
        file=upload(xlsx_bytes([roster_headers(), roster_row()])),
        actor=world.users.district,
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.APPLYING)
    with (
        time_machine.travel(later(91), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remove_expired_import_files() == 0
    run.refresh_from_db()
    assert run.file and run.file_removed_at is None


def test_report_files_are_removed_after_the_period_and_asking_again_builds_them(
    world, client_for, django_capture_on_commit_callbacks
):
    district = client_for(world.users.district)
    with django_capture_on_commit_callbacks(execute=True):
        district.post(reverse("reports:run-list"), YEAR_END)
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE and run.file and run.xlsx_file
    storage, names = run.file.storage, [run.file.name, run.xlsx_file.name]

    with time_machine.travel(later(40), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert remove_expired_report_files() == 0  # 365 days by default
        set_periods(client_for(world.users.district), report_file_days=30)
        with django_capture_on_commit_callbacks(execute=True):
            assert remove_expired_report_files() == 1

    run.refresh_from_db()
    assert not any(storage.exists(name) for name in names)
    assert (run.file.name, run.xlsx_file.name) == ("", "")
    assert (run.status, run.files_removed_at, run.files_kept_days) == (
        RunStatus.DONE,
        later(40),
        30,
    )
    assert run.snapshot  # the figures as read stay with the run
    page = district.get(reverse("reports:run-detail", args=[run.pk])).content.decode()
    assert f"报表文件已按保存期限（30 天）于 {later(40):%Y-%m-%d} 删除" in page
    assert 'data-role="downloads" hidden' in page
    for fmt in ("pdf", "xlsx"):
        download = district.get(reverse("reports:run-download", args=[run.pk, fmt]))
        assert download.status_code == 404
    status = district.get(reverse("reports:run-status", args=[run.pk])).json()
    assert (status["pdf"], status["xlsx"]) == (None, None)

    # The same parameters name the same run: asking again builds its files again.
    with django_capture_on_commit_callbacks(execute=True):
        district.post(reverse("reports:run-list"), YEAR_END)
    run.refresh_from_db()
    assert ReportRun.objects.count() == 1
    assert run.status == RunStatus.DONE and run.file and run.xlsx_file
    assert (run.files_removed_at, run.files_kept_days) == (None, None)
    pdf = district.get(reverse("reports:run-download", args=[run.pk, "pdf"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_removal_jobs_run_daily(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["imports.tasks.remove_expired_import_files"] == 24 * 60 * 60
    assert schedule["reports.tasks.remove_expired_report_files"] == 24 * 60 * 60
