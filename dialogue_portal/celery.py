"""The Celery app. Settings live in Django's settings under the ``CELERY_`` namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")

app = Celery("dialogue_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="dialogue_portal.ping", ignore_result=False)
def ping() -> str:
    """Answer "pong": proves that a task travels through the broker to a worker."""
    return "pong"
