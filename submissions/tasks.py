from celery import shared_task

from . import services


@shared_task(name="submissions.sweep_kept_files")
def sweep_kept_files() -> int:
    return services.attachments_sweep_kept()
