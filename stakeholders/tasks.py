from celery import shared_task

from . import services


@shared_task(name="stakeholders.admit_after_silence")
def admit_after_silence() -> int:
    return services.accreditations_admit_after_silence()
