"""`manage.py import_data`: preview by default, --apply writes, exit status says whether the file is clean."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from imports.models import ImportRun
from trainees.models import Trainee

from .conftest import roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _file(tmp_path, rows, name="roster.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    return path


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_preview_writes_nothing_and_exits_zero(world, tmp_path, headers):
    path = _file(tmp_path, [headers, roster_row(), roster_row()])
    count = Trainee.objects.count()
    code, out, _err = _run("workers", path, "--as", "district")
    assert code == 0 and "新增 2" in out and "--apply" in out
    assert Trainee.objects.count() == count


def test_apply_writes(world, tmp_path, headers):
    path = _file(tmp_path, [headers, roster_row(), roster_row()])
    count = Trainee.objects.count()
    code, out, _err = _run("workers", path, "--apply", "--as", "district")
    assert code == 0 and "已导入" in out
    assert Trainee.objects.count() == count + 2
    assert ImportRun.objects.get().status == ImportRun.Status.APPLIED
    code, out, _err = _run("workers", path, "--apply", "--as", "district")
    assert code == 0 and "新增 0，修改 0，无变化 2" in out


def test_errors_are_printed_and_exit_non_zero_without_writing(world, tmp_path, headers):
    path = _file(tmp_path, [headers, roster_row(), roster_row(**{"入职日期": "明年"})])
    count = Trainee.objects.count()
    code, _out, err = _run("workers", path, "--apply", "--as", "district")
    assert code == 1
    assert "名册 第 3 行 “入职日期”列：无法识别日期“明年”" in err
    assert Trainee.objects.count() == count


def test_scope_of_the_as_user(world, tmp_path, headers):
    path = _file(tmp_path, [headers, roster_row(subdistrict="新泾镇", committee="")])
    code, _out, err = _run("workers", path, "--apply", "--as", "admin_a")
    assert code == 1 and "只能导入本街道（镇）（华阳路街道）" in err
    with pytest.raises(CommandError):
        _run("workers", path, "--as", "supervisor")  # not allowed to import at all
    with pytest.raises(CommandError):
        _run("workers", tmp_path / "missing.xlsx", "--as", "district")


def test_warnings_are_printed_and_do_not_stop_the_apply(world, tmp_path, headers):
    cut = headers.index("从事社区工作日期")
    row = roster_row()
    path = _file(
        tmp_path,
        [
            [h for i, h in enumerate(headers) if i != cut],
            [v for i, v in enumerate(row) if i != cut],
        ],
    )
    code, out, err = _run("workers", path, "--apply", "--as", "district")
    assert code == 0 and "已导入" in out and err == ""
    assert "提示：名册 第 1 行 “从事社区工作日期”列：文件中没有“从事社区工作日期”列" in out
