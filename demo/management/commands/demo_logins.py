"""`manage.py demo_logins`: print the demo logins again."""

from typing import Any

from django.core.management.base import BaseCommand

from demo.seed import demo_login_lines


class Command(BaseCommand):
    help = "Print the demo logins that exist in this database."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in demo_login_lines():
            self.stdout.write(line)
