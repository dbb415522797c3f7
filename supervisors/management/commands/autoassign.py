"""`manage.py autoassign`: show the auto-assignment plan, and apply it with --apply."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.capabilities import can_manage_team
from accounts.models import User
from neighbourhoods.models import Subdistrict
from supervisors.autoassign import Plan, autoassign_plan
from supervisors.services import assignments_bulk_create


class Command(BaseCommand):
    help = (
        "Pair every unassigned active community worker with a supervisor (optimal within "
        "capacity: same subdistrict, then housing-type specialty, then even load). Prints the "
        "plan's summary; writes nothing unless --apply is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="save the plan")
        parser.add_argument(
            "--as", dest="username", help="district administrator who applies the plan"
        )
        parser.add_argument(
            "--subdistrict", help="statistical code of one subdistrict, e.g. 310105001"
        )
        parser.add_argument("--reason", default="", help="reason stored on each pairing")

    def handle(
        self,
        *args: Any,
        apply: bool,
        username: str | None,
        subdistrict: str | None,
        reason: str,
        **options: Any,
    ) -> None:
        actor = None
        if apply:
            if not username:
                raise CommandError(_("保存方案需要用 --as 指定一名区管理员。"))
            actor = User.objects.filter(username=username).first()
            if actor is None or not can_manage_team(actor):
                raise CommandError(_("%(username)s 不是区管理员。") % {"username": username})
        subdistrict_ids = None
        if subdistrict:
            found = Subdistrict.objects.filter(code=subdistrict).first()
            if found is None:
                raise CommandError(
                    _("没有统计代码为 %(code)s 的街道（镇）。") % {"code": subdistrict}
                )
            subdistrict_ids = [found.pk]

        plan = autoassign_plan(subdistrict_ids=subdistrict_ids)
        if not plan.workers_unassigned_before:
            self.stdout.write(_("全部在岗社区工作者均已安排督导师"))
            return
        self._print_summary(plan)
        if not apply:
            self.stdout.write(_("预览完毕，未保存任何数据（加 --apply 保存）。"))
            return
        if not plan.pairs:
            self.stdout.write(_("没有可以安排的社区工作者。"))
            return
        try:
            created = assignments_bulk_create(
                pairs=plan.as_triples(), actor=actor, reason=reason.strip() or _("自动安排")
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            self.style.SUCCESS(_("已为 %(n)d 名社区工作者安排督导师。") % {"n": len(created)})
        )

    def _print_summary(self, plan: Plan) -> None:
        w = self.stdout.write
        w(_("待安排的在岗社区工作者：%(n)d 人") % {"n": plan.workers_unassigned_before})
        w(_("本方案安排：%(n)d 人") % {"n": plan.placed})
        w(_("同街道（镇）占比：%(p).1f%%") % {"p": plan.same_subdistrict_share * 100})
        w(_("擅长住房类型匹配占比：%(p).1f%%") % {"p": plan.specialty_share * 100})
        w(_("无法安排：%(n)d 人") % {"n": plan.unplaced})
        if plan.unplaced:
            w(
                _("还需要 %(n)d 名督导师才能按 1:%(ratio)d 覆盖全部社区工作者")
                % {"n": plan.supervisors_needed, "ratio": plan.district_ratio}
            )
            shown = ", ".join(str(pk) for pk in plan.unplaced_ids[:50])
            more = "…" if plan.unplaced > 50 else ""
            w(_("无法安排的社区工作者编号：%(ids)s%(more)s") % {"ids": shown, "more": more})
        w(
            _("成本权重：跨街道（镇）%(a)d，住房类型不匹配 %(b)d，第 n 名学员 n，无法安排 %(u)d")
            % {
                "a": plan.weights.other_subdistrict,
                "b": plan.weights.no_specialty,
                "u": plan.weights.unplaced,
            }
        )
        w(_("计算用时：%(s).2f 秒") % {"s": plan.solver_seconds})
