"""Asking for a report, building it in Celery (eager in tests), failure and retry, the PDF."""

import re
import subprocess

from django.urls import reverse

from reports.models import ReportRun, RunStatus
from reports.templatetags.reports_tags import figure

YEAR_END = {"kind": "year", "year": 2025, "number": 1, "language": "zh-hans"}


def ask(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reports:run-list"), {**YEAR_END, **data})


def test_district_admin_builds_a_year_end_report_once(
    report_world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(report_world.users.district)
    response = ask(client, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    assert response.url == reverse("reports:run-detail", args=[run.pk])
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.as_of.isoformat() == "2025-12-31"
    page = client.get(response.url).content.decode()
    assert 'value="100"' in page and "下载 PDF" in page
    status = client.get(reverse("reports:run-status", args=[run.pk])).json()
    assert status["status"] == "done" and status["pdf"].endswith(".pdf")
    pdf = b"".join(client.get(status["pdf"]).streaming_content)
    assert pdf.startswith(b"%PDF")
    xlsx = b"".join(client.get(status["xlsx"]).streaming_content)
    assert xlsx.startswith(b"PK")
    # The same parameters and as-of date give back the stored run.
    again = ask(client, django_capture_on_commit_callbacks)
    assert again.url == response.url and ReportRun.objects.count() == 1


def test_a_failing_build_shows_its_reason_and_a_retry_works(
    report_world, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for(report_world.users.district)

    def broken(figures):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr("reports.pdf.render_pdf", broken)
    ask(client, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    assert run.status == RunStatus.FAILED and "字体缺失" in run.error
    page = client.get(reverse("reports:run-detail", args=[run.pk])).content.decode()
    assert "生成失败" in page and "字体缺失" in page and "重新生成" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:run-retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.error == "" and run.file


def test_a_build_twice_is_harmless(report_world, client_for, django_capture_on_commit_callbacks):
    from reports.tasks import build_report

    ask(client_for(report_world.users.district), django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    name = run.file.name
    assert build_report(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.file.name == name and run.attempts == 1


def test_pdf_shows_the_headings_and_the_dashboards_rates(
    report_world, client_for, django_capture_on_commit_callbacks, tmp_path
):
    client = client_for(report_world.users.district)
    ask(client, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    path = tmp_path / "report.pdf"
    path.write_bytes(run.file.open("rb").read())
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    for heading in (
        "社区工作者专业化建设报告",
        "一、主要数据与发现",
        "二、队伍结构",
        "三、督导",
        "四、培训",
        "五、职业水平证书",
        "六、比较",
        "七、分析与说明",
        "合计",
    ):
        assert heading in text, heading
    assert "数据截至 2025-12-31" in text and re.search(r"第 \d+ / \d+ 页", text)
    dashboard = client.get(
        reverse("reports:dashboard"), {"kind": "year", "year": 2025, "number": 1}
    )
    rates = {m["key"]: figure(m["value"], m["unit"]) for m in dashboard.context["metrics"]}
    html = dashboard.content.decode()
    for key in (
        "coverage_pct",
        "cadence_pct",
        "training_coverage_pct",
        "certified_pct",
        "registered_pct",
        "attendance_pct",
    ):
        assert rates[key] != "—"
        assert rates[key] in html and rates[key] in text, key


def test_english_on_request_is_a_separate_run(
    report_world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(report_world.users.district)
    ask(client, django_capture_on_commit_callbacks)
    ask(client, django_capture_on_commit_callbacks, language="en")
    runs = ReportRun.objects.order_by("language")
    assert [r.language for r in runs] == ["en", "zh-hans"]
    assert all(r.status == RunStatus.DONE for r in runs)
