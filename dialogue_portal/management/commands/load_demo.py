import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction

# Each app that has demo data keeps it in its own ``demo.py``; they load in this order
# because later ones refer to rows of earlier ones.
DEMO_MODULES = ["sessions.demo"]


def _reset_sequences() -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind; move them on."""
    from django.apps import apps

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Command(BaseCommand):
    help = (
        "Load the demo data: the world of the first constructive dialogue (6 May 2022) and an "
        "upcoming one. Idempotent: fixed ids, run it any number of times. Demo accounts only "
        "with DJANGO_DEMO_ACCOUNTS=1."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = []
            if settings.DEMO_ACCOUNTS:
                from dialogue_portal import demo

                accounts = demo.load_accounts()
            for name in DEMO_MODULES:
                importlib.import_module(name).load()
            _reset_sequences()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if accounts:
            self.stdout.write("Demo logins (e-mail / password):")
            for role, email, password in accounts:
                self.stdout.write(f"  {role:<12} {email} / {password}")
