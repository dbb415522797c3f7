"""`manage.py import_data KIND FILE [--apply] [--as USERNAME]`: the web import from a terminal.

Prints the counts and every error. Writes nothing without --apply (the run and its file are
recorded all the same, as in the web preview). Exit status: 0 when the file has no errors
(and, with --apply, was applied), 1 when it has errors or the apply failed, 2 for bad usage.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Role, User
from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_apply, import_preview


class Command(BaseCommand):
    help = "Preview (and with --apply, apply) a spreadsheet import: " + ", ".join(KINDS)

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--apply", action="store_true", help="write the data (all or nothing)")
        parser.add_argument(
            "--as",
            dest="username",
            help="the user whose scope applies (default: the first district administrator)",
        )

    def handle(self, *args, kind: str, file: Path, apply: bool, username: str | None, **options):
        actor = self._actor(username)
        if not file.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": file})
        try:
            with file.open("rb") as handle:
                run = import_preview(kind=kind, file=File(handle), actor=actor, file_name=file.name)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self._report(run)
        if run.error_count:
            self.stderr.write(_("文件中有 %(n)d 处错误，未写入任何数据。") % {"n": run.error_count})
            raise SystemExit(1)
        if not apply:
            self.stdout.write(_("预览完成，未写入任何数据；加 --apply 执行导入。"))
            return
        run = import_apply(run=run, actor=actor)
        if run.status != ImportRun.Status.APPLIED:
            self._report(run)
            self.stderr.write(_("导入失败：%(reason)s") % {"reason": run.message})
            raise SystemExit(1)
        self.stdout.write(
            _("已导入：新增 %(new)d，修改 %(changed)d，无变化 %(unchanged)d（导入记录 #%(pk)d）。")
            % {
                "new": run.new_count,
                "changed": run.changed_count,
                "unchanged": run.unchanged_count,
                "pk": run.pk,
            }
        )

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(_("用户 %(name)s 不存在。") % {"name": username})
            return user
        user = (
            User.objects.filter(role=Role.DISTRICT_ADMIN, is_active=True).order_by("pk").first()
            or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(_("没有区管理员账号；请用 --as 指定导入人。"))
        return user

    def _report(self, run: ImportRun) -> None:
        self.stdout.write(
            _(
                "%(file)s：数据行 %(rows)d，新增 %(new)d，修改 %(changed)d，"
                "无变化 %(unchanged)d，错误 %(errors)d。"
            )
            % {
                "file": run.file_name,
                "rows": run.rows,
                "new": run.new_count,
                "changed": run.changed_count,
                "unchanged": run.unchanged_count,
                "errors": run.error_count,
            }
        )
        if run.message:
            self.stdout.write(run.message)
        for error in run.errors:
            self.stderr.write(self._line(error))
        for warning in run.warnings:
            # On stdout: a warning does not stop the import.
            self.stdout.write(_("提示：%(line)s") % {"line": self._line(warning)})
        if run.error_count > len(run.errors):
            self.stderr.write(
                _("另有 %(n)d 处错误未列出。") % {"n": run.error_count - len(run.errors)}
            )

    @staticmethod
    def _line(entry: dict) -> str:
        where = [entry["sheet"]] if entry["sheet"] else []
        if entry["row"]:
            where.append(_("第 %(row)d 行") % {"row": entry["row"]})
        if entry["column"]:
            where.append(_("“%(column)s”列") % {"column": entry["column"]})
        value = f"（{entry['value']}）" if entry["value"] else ""
        return f"{' '.join(where)}：{entry['message']}{value}"
