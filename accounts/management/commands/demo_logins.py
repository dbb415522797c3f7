from django.core.management.base import BaseCommand

from neighbourhoods.demo import demo_login_lines


class Command(BaseCommand):
    help = "Print the demo logins that exist in this database."

    def handle(self, *args, **options) -> None:
        for line in demo_login_lines():
            self.stdout.write(line)
