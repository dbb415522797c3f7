"""Spreadsheet builders for import tests: rows in, file bytes out."""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.core.files.base import ContentFile
from openpyxl import Workbook

from trainees.exports import roster_headers
from trainees.identity import id_check_char

_serial = itertools.count(1)


def make_id_number(birth: dt.date, gender: str = "F") -> str:
    """A valid ID number unique within the test run (tests.factories' wraps after 500)."""
    n = next(_serial)
    first17 = f"{310000 + n // 400:06d}{birth:%Y%m%d}{(n % 400) * 2 + 100 + (gender == 'M'):03d}"
    return first17 + id_check_char(first17)


def xlsx_bytes(
    rows: list[list], *, title_rows: list[list] | None = None, sheet: str = "名册"
) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in title_rows or []:
        ws.append(row)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "roster.xlsx") -> ContentFile:
    return ContentFile(data, name=name)


def roster_row(
    *,
    name: str = "测试员",
    subdistrict: str = "华阳路街道",
    committee: str = "华一居委会",
    birth: dt.date = dt.date(1990, 5, 17),
    gender: str = "F",
    id_number: str | None = None,
    **overrides,
) -> list:
    """One row in roster_headers() order; overrides by header text."""
    values = {
        "姓名": name,
        "性别": "男" if gender == "M" else "女",
        "出生日期": birth,
        "身份证号": id_number or make_id_number(birth, gender),
        "手机号": "13912345678",
        "政治面貌": "群众",
        "街道（镇）": subdistrict,
        "居委会": committee,
        "住房类型": "",
        "岗位": "社区工作者",
        "岗位等级": "",
        "学历": "本科",
        "专业": "社会工作",
        "社会工作专业": "是",
        "从事社区工作日期": dt.date(2015, 7, 1),
        "入职日期": dt.date(2016, 3, 1),
        "状态": "在岗",
        "离职日期": "",
    }
    values.update(overrides)
    return [values[h] for h in roster_headers()]


@pytest.fixture
def headers() -> list[str]:
    return roster_headers()
