from django.conf import settings
from django.core.management.base import BaseCommand

from dialogue_portal import demo


class Command(BaseCommand):
    help = (
        "Load the demo data: the world of the first constructive dialogue (6 May 2022) and an "
        "upcoming one. Idempotent: fixed ids, run it any number of times. Demo accounts only "
        "with DJANGO_DEMO_ACCOUNTS=1."
    )

    def handle(self, *args, **options):
        logins = demo.load(accounts=settings.DEMO_ACCOUNTS)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if logins:
            self.stdout.write("Demo logins (e-mail / password):")
            for role, email, password in logins:
                self.stdout.write(f"  {role:<12} {email} / {password}")
