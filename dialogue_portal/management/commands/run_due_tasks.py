from django.conf import settings
from django.core.management.base import BaseCommand

from dialogue_portal.celery import app


class Command(BaseCommand):
    help = (
        "Run every periodic job of the beat schedule once, in this process: for the embedded "
        "default (no broker, no beat) and for cron."
    )

    def handle(self, *args, **options):
        app.loader.import_default_modules()  # registers every app's tasks
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            result = app.tasks[entry["task"]].apply(
                args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
            )
            result.get(propagate=True)
            self.stdout.write(f"{name}: {result.result}")
