"""Who may see which dashboard and build which report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dates import year_range
from reports.models import ReportRun
from reports.services import report_request

YEAR_END = {"kind": "year", "year": 2025, "number": 1, "language": "zh-hans"}


def test_subdistrict_admin_form_offers_only_their_own(world, client_for):
    page = client_for(world.users.admin_a).get(reverse("reports:run-list"))
    options = page.context["form"].fields["subdistrict"].queryset
    assert list(options) == [world.a]
    assert "新泾镇" not in page.content.decode()


def test_subdistrict_admin_cannot_build_another_subdistricts_report(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("reports:run-list"), {**YEAR_END, "subdistrict": world.b.pk})
    assert refused.status_code == 200 and not ReportRun.objects.exists()
    with pytest.raises(Exception) as exc:
        report_request(
            actor=world.users.admin_a, period_kind="year", year=2025, number=1, subdistrict=world.b
        )
    assert exc.type.__name__ == "PermissionDenied"
    with pytest.raises(Exception) as exc:
        report_request(actor=world.users.admin_a, period_kind="year", year=2025, number=1)
    assert exc.type.__name__ == "PermissionDenied"
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(reverse("reports:run-list"), {**YEAR_END, "subdistrict": world.a.pk})
    run = ReportRun.objects.get()
    assert ok.status_code == 302 and run.subdistrict == world.a


def test_another_subdistricts_run_is_not_found(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(
            actor=world.users.district,
            period_kind="month",
            year=2025,
            number=6,
            subdistrict=world.b,
        )
    client = client_for(world.users.admin_a)
    for name in ("reports:run-detail", "reports:run-status"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.get(reverse("reports:run-download", args=[run.pk, "pdf"])).status_code == 404
    assert client.post(reverse("reports:run-retry", args=[run.pk])).status_code == 404
    assert (
        client_for(world.users.admin_b)
        .get(reverse("reports:run-detail", args=[run.pk]))
        .status_code
        == 200
    )


def test_subdistrict_dashboard_is_scoped(world, client_for):
    page = client_for(world.users.admin_a).get(
        reverse("reports:dashboard"), {"subdistrict": world.b.pk}
    )
    assert page.status_code == 200
    assert page.context["f"]["meta"]["scope"] == "华阳路街道"


@pytest.mark.parametrize("persona", ["supervisor", "worker", "outsider"])
def test_other_roles_are_refused(world, client_for, persona):
    client = client_for(getattr(world.users, persona))
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:run-list")).status_code == 403


def test_leader_reads_but_does_not_request(world, client_for):
    client = client_for(world.users.leader)
    assert client.get(reverse("reports:dashboard")).status_code == 200
    page = client.get(reverse("reports:run-list"))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(reverse("reports:run-list"), YEAR_END).status_code == 403
    assert (
        client.get(
            reverse("reports:commentary"), {"kind": "year", "year": 2025, "number": 1}
        ).status_code
        == 403
    )


def test_commentary_rights(world, client_for, django_capture_on_commit_callbacks):
    params = "?kind=year&year=2025&number=1"
    a = client_for(world.users.admin_a)
    # A subdistrict admin edits their own (the scope is forced to it) ...
    with django_capture_on_commit_callbacks(execute=True):
        saved = a.post(reverse("reports:commentary") + params, {"text": "本街道说明"})
    assert saved.status_code == 302
    from reports.models import ReportCommentary

    row = ReportCommentary.objects.get()
    assert row.subdistrict == world.a and row.text == "本街道说明"
    # ... and the district admin the district's.
    d = client_for(world.users.district)
    with django_capture_on_commit_callbacks(execute=True):
        d.post(reverse("reports:commentary") + params, {"text": "全区说明"})
    assert ReportCommentary.objects.get(subdistrict__isnull=True).text == "全区说明"
    assert (
        client_for(world.users.supervisor).get(reverse("reports:commentary") + params).status_code
        == 403
    )


def test_an_unfinished_period_cannot_be_reported(world, client_for):
    page = client_for(world.users.district).post(
        reverse("reports:run-list"), {**YEAR_END, "year": timezone.localdate().year}
    )
    assert "尚未结束" in page.content.decode() and not ReportRun.objects.exists()


@pytest.mark.parametrize("year", ["2018", "2099", "99999999999999999999"])
def test_a_year_outside_the_districts_data_is_refused_beside_the_field(world, client_for, year):
    page = client_for(world.users.district).post(
        reverse("reports:run-list"), {**YEAR_END, "year": year}
    )
    assert page.status_code == 200
    years = year_range()
    assert f"年份应在 {years[0]} 到 {years[-1]} 之间" in page.content.decode()
    assert not ReportRun.objects.exists()
