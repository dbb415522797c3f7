from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.models import User

# The logins seed_demo creates, one per role (README: "Demo logins").
DEMO_USERNAMES = ["district", "leader", "huayang", "xinjing", "supervisor", "worker"]
DEMO_PASSWORD = "dudao-demo-2026"


class Command(BaseCommand):
    help = "Print the demo logins that exist in this database."

    def handle(self, *args, **options) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("subdistrict")
        }
        if not users:
            self.stdout.write(_("没有演示账号；运行 manage.py seed_demo 生成。"))
            return
        self.stdout.write(_("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
        for username in DEMO_USERNAMES:
            user = users.get(username)
            if user is None:
                continue
            scope = f" · {user.subdistrict}" if user.subdistrict_id else ""
            self.stdout.write(f"  {username:<12} {user.get_role_display()}{scope}  {user}")
