"""Committees' resident populations (居委会常住人口) from a spreadsheet: the district's figures,
one committee and date a row, written through neighbourhoods.services.population_set."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_apply, import_preview
from imports.workbooks import build_export, build_template
from neighbourhoods.models import ResidentPopulation
from trainees.staffing import staffing_rows

from .conftest import upload, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["街道（镇）", "居委会", "常住人口", "生效日期", "数据来源"]


def _day(days_ago: int = 30) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def _preview(actor, *rows, headers=HEADERS):
    data = xlsx_bytes([headers, *rows], sheet="人口")
    return import_preview(kind="populations", file=upload(data), actor=actor)


def _counts(run) -> tuple[int, int, int, int]:
    return (run.new_count, run.changed_count, run.unchanged_count, run.error_count)


def _stored() -> list[tuple[str, dt.date, int, str]]:
    return list(
        ResidentPopulation.objects.order_by("neighbourhood__name", "effective_from").values_list(
            "neighbourhood__name", "effective_from", "residents", "source"
        )
    )


def test_a_good_file_saves_and_the_staffing_follows(world):
    district = world.users.district
    run = _preview(
        district,
        ["华阳路街道", "华一居委会", 4200, _day(400), "第七次全国人口普查"],
        # Short names, the statistical code, a date as text and a number as text.
        ["310105102", "新泾一村", "5000", f"{_day():%Y年%-m月%-d日}", ""],
        ["华阳路街道", "华一", 4300, _day(), "街道统计"],
    )
    assert _counts(run) == (3, 0, 0, 0), run.errors
    assert not ResidentPopulation.objects.exists()
    assert import_apply(run=run, actor=district).status == ImportRun.Status.APPLIED
    assert sorted(_stored()) == sorted(
        [
            ("新泾一村居委会", _day(), 5000, ""),
            ("华一居委会", _day(400), 4200, "第七次全国人口普查"),
            ("华一居委会", _day(), 4300, "街道统计"),
        ]
    )
    assert AuditEvent.objects.filter(object_type="neighbourhoods.residentpopulation").count() == 3
    rows = {r.name: r for r in staffing_rows(on=_day(100)).rows}
    assert rows["华一居委会"].residents == 4200 and rows["新泾一村居委会"].is_unknown

    # A correction of one date's figure is a change; the others unchanged.
    again = _preview(
        district,
        ["华阳路街道", "华一居委会", 4250, _day(), "街道统计"],
        ["新泾镇", "新泾一村居委会", 5000, _day(), ""],
    )
    assert _counts(again) == (0, 1, 1, 0), again.errors
    assert "4300 → 4250" in str(again.changes[0]["fields"])


def test_bad_rows_name_row_column_and_reason_and_nothing_is_saved(world):
    run = _preview(
        world.users.district,
        ["华阳路街道", "华一居委会", 4200, _day(), ""],
        ["华阳路街道", "新泾一村", 4200, _day(), ""],  # B's committee under A
        ["某某街道", "华一", 4200, _day(), ""],  # no such subdistrict
        ["华阳路街道", "华一居委会", "约四千", _day(3), ""],  # not a number
        ["华阳路街道", "华一居委会", 4200, _day(-3), ""],  # ahead of today
        ["华阳路街道", "华一居委会", 4200, _day(), ""],  # the first row again
        ["华阳路街道", "华一居委会", 250_000, _day(5), ""],  # a district's total, not a committee's
    )
    found = [(e["row"], e["column"]) for e in run.errors]
    assert found == [
        (3, "居委会"),
        (4, "街道（镇）"),
        (5, "常住人口"),
        (6, "生效日期"),
        (7, "生效日期"),
        (8, "常住人口"),
    ]
    assert "不是华阳路街道的居委会" in run.errors[0]["message"]
    assert "第 2 行重复" in run.errors[4]["message"]
    assert import_apply(run=run, actor=world.users.district).status != ImportRun.Status.APPLIED
    assert not ResidentPopulation.objects.exists()


def test_the_export_reads_back_unchanged(world):
    district = world.users.district
    run = _preview(
        district,
        ["华阳路街道", "华一居委会", 4200, _day(400), "普查"],
        ["新泾镇", "新泾一村居委会", 5100, _day(), "街道统计"],
    )
    import_apply(run=run, actor=district)
    data = build_export(KINDS["populations"], district)
    sheet = load_workbook(io.BytesIO(data))["居委会常住人口"]
    assert [c.value for c in sheet[2]] == HEADERS
    back = import_preview(kind="populations", file=upload(data), actor=district)
    assert _counts(back) == (0, 0, 2, 0), back.errors


def test_template_skips_its_example(world):
    data = build_template(KINDS["populations"], world.users.district)
    run = import_preview(kind="populations", file=upload(data), actor=world.users.district)
    assert (run.rows, run.error_count) == (0, 0) and "示例行" in run.message


@pytest.mark.parametrize("persona", ["admin_a", "leader", "supervisor", "worker", "outsider"])
def test_only_the_district_imports_populations(world, client_for, persona):
    client = client_for(getattr(world.users, persona))
    for name in ("upload", "template", "export"):
        assert client.get(reverse(f"imports:{name}", args=["populations"])).status_code == 403
    assert "居委会常住人口" not in client.get(reverse("imports:index")).content.decode()


def test_the_district_sees_the_kind_on_the_import_page(world, client_for):
    page = client_for(world.users.district).get(reverse("imports:index")).content.decode()
    assert "居委会常住人口" in page and "年度考核结果" in page
