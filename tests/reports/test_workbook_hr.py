"""The workbook's sheets of HR's year (issue 14): the certificate grants by committee (people
and yuan, every 合计 the sum of its block) and their list, as the grants page computes them."""

import datetime as dt

import pytest
from django.utils import timezone

from certification.grants.services import grants_pay
from reports.workbook.services import workbook_render
from tests.certification.conftest import certify
from tests.reports.test_workbook import assert_totals, book, column, row_of
from trainees.assessments.models import AssessmentResult
from trainees.assessments.selectors import round_placements
from trainees.assessments.services import Entry, results_set, round_lock, round_open

pytestmark = pytest.mark.django_db

R = AssessmentResult


def test_the_grants_sheet_counts_people_and_yuan_by_committee(world):
    today = timezone.localdate()
    year = today.year
    issued = dt.date(year, 1, 1)  # the first day of the pinned clock's year: always past
    certify(world.worker, "assistant", issued)
    certify(world.colleague, "intermediate", issued)
    certify(world.worker_b, "senior", issued)
    round_ = round_open(year=year, excellent_share=100, actor=world.users.district)
    results = {world.worker_b.pk: R.BASIC}
    results_set(
        round_=round_,
        entries=[
            Entry(pk, results.get(pk, R.COMPETENT))
            for pk in round_placements(year).values_list("trainee_id", flat=True)
        ],
        actor=world.users.district,
    )
    round_lock(round_=round_, actor=world.users.district)
    colleague_cert = world.colleague.certificates.get()
    grants_pay(
        actor=world.users.district, year=year, certificate_ids=[colleague_cert.pk], paid_on=today
    )

    wb = book(workbook_render(as_of=today, subdistrict=None))
    ws = wb["证书奖励"]
    assert_totals(ws, district=True)
    a = row_of(ws, world.a.name, world.na.name)
    assert a[column(ws, "应发放", "人数") - 1] == 1
    assert a[column(ws, "应发放", "金额（元）") - 1] == 1500
    assert a[column(ws, "已发放", "人数") - 1] == 1
    assert a[column(ws, "已发放", "金额（元）") - 1] == 3000
    b = row_of(ws, world.b.name, world.nb.name)
    assert b[column(ws, "不予发放") - 1] == 1

    listed = {r[2]: r for r in wb["证书奖励名单"].iter_rows(min_row=3, values_only=True) if r[2]}
    assert listed[world.worker_b.name][9] == "不予发放"
    assert listed[world.worker_b.name][10] == "当年考核结果未达合格"
    assert listed[world.colleague.name][9] == "已发放"
    assert listed[world.colleague.name][8] == 3000
    assert listed[world.worker.name][3].startswith("*")  # masked unless asked for in full

    # A subdistrict's workbook has only its own block.
    own = book(workbook_render(as_of=today, subdistrict=world.b))["证书奖励"]
    assert_totals(own, district=False)
    names = {
        r[2]
        for r in book(workbook_render(as_of=today, subdistrict=world.b))["证书奖励名单"].iter_rows(
            min_row=3, values_only=True
        )
    }
    assert world.worker.name not in names and world.worker_b.name in names


def test_the_staffing_sheets_follow_the_committees_populations(world):
    from neighbourhoods.services import population_set

    today = timezone.localdate()
    population_set(
        neighbourhood=world.na,
        effective_from=dt.date(2020, 11, 1),
        residents=5000,
        actor=world.users.district,
    )
    wb = book(workbook_render(as_of=today, subdistrict=None))
    ws = wb["社区工作者配备"]
    assert_totals(ws, district=True)
    a = row_of(ws, world.a.name, world.na.name)
    assert a[column(ws, "常住人口") - 1] == 5000
    assert a[column(ws, "社区工作者", "在册") - 1] == 2
    assert a[column(ws, "按定额应配") - 1] == 9  # 5,000 × 18 ÷ 10,000
    assert a[column(ws, "缺口（在册−应配）") - 1] == -7
    b = row_of(ws, world.b.name, world.nb.name)
    assert b[column(ws, "无人口数据") - 1] == 1 and b[column(ws, "按定额应配") - 1] == 0
    ratios = {r[0]: r for r in wb["配备比例"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert ratios[world.a.name][3] == 4.0  # 2 per 5,000 residents
    assert ratios["全区合计"][2] == 2  # 新泾镇's worker has no population: not counted
